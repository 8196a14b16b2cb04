import Crypto
import Foundation

/// SHA-256 as 64 lowercase hex characters: the one form of every content hash activity-core
/// stores or compares (definition content, schedule projections and observed specs, long
/// event IDs).
public enum SHA256Hex {
    public static func of(_ data: some DataProtocol) -> String {
        let digest = SHA256.hash(data: data)
        // A sync hashes every schedule and every list entry: no formatter per byte.
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = Self.digits[Int(byte >> 4)]
                buffer[index + 1] = Self.digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
