import Crypto
import Foundation

/// SHA-256 as 64 lowercase hex characters: the one form of every content hash activity-core
/// stores or compares (definition content, schedule projections and observed specs, long
/// event IDs).
public enum SHA256Hex {
    public static func of(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
