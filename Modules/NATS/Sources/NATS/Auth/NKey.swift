import Crypto
import Foundation

/// An NKEY: an ed25519 key pair written as NATS writes it (base32 without padding, a prefix
/// byte naming the role, a CRC-16 at the end). From a seed (`SU...` for a user) it gives the
/// public key (`U...`) and signs the server's nonce. The seed is never part of a message.
struct NKey: Sendable {
    /// The role a key's first letter names.
    enum Role: UInt8, Sendable {
        case seed = 144  // 18 << 3: 'S'
        case `operator` = 112  // 14 << 3: 'O'
        case account = 0  // 'A'
        case user = 160  // 20 << 3: 'U'
    }

    let role: Role
    private let key: Curve25519.Signing.PrivateKey

    /// Decodes a seed (`S` and the role's letter, 58 characters); the error never holds it.
    init(seed text: String) throws(NATSError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Base32.decode(trimmed), raw.count == 36 else {
            throw NATSError(.invalidConfiguration, "not an NKEY seed (expected 58 base32 characters starting with S)")
        }
        let body = Array(raw.prefix(34))
        let crc = UInt16(raw[34]) | UInt16(raw[35]) << 8
        guard CRC16.checksum(body) == crc else {
            throw NATSError(.invalidConfiguration, "not an NKEY seed (its checksum does not match)")
        }
        guard body[0] & 0xF8 == Role.seed.rawValue else {
            throw NATSError(.invalidConfiguration, "not an NKEY seed (it does not start with S)")
        }
        let prefix = (body[0] & 0x07) << 5 | (body[1] & 0xF8) >> 3
        guard let role = Role(rawValue: prefix), role != .seed else {
            throw NATSError(.invalidConfiguration, "not an NKEY seed (unknown key type)")
        }
        do {
            self.key = try Curve25519.Signing.PrivateKey(rawRepresentation: body[2..<34])
        } catch {
            throw NATSError(.invalidConfiguration, "not an NKEY seed (not an ed25519 key)")
        }
        self.role = role
    }

    /// The public key as NATS writes it (`U...` for a user).
    var publicKey: String {
        Self.encode(role: self.role, self.key.publicKey.rawRepresentation)
    }

    /// The signature of `nonce` (the server's, as sent), base64url without padding.
    func sign(_ nonce: String) throws(NATSError) -> String {
        do {
            let signature = try self.key.signature(for: Data(nonce.utf8))
            return Self.base64URL(signature)
        } catch {
            throw NATSError(.connectionFailed, "cannot sign the NATS server's nonce with the NKEY")
        }
    }

    /// Whether `signature` is this key's signature of `text`.
    func verify(_ signature: Data, of text: String) -> Bool {
        self.key.publicKey.isValidSignature(signature, for: Data(text.utf8))
    }

    /// The seed of a key of `role` from its 32 raw bytes, as NATS writes it (`S` and the role's
    /// letter): for tests and tools that make keys.
    static func seed(role: Role, raw: [UInt8]) -> String {
        let body = [Role.seed.rawValue | role.rawValue >> 5, (role.rawValue & 31) << 3] + raw
        let crc = CRC16.checksum(body)
        return Base32.encode(body + [UInt8(crc & 0xFF), UInt8(crc >> 8)])
    }

    static func encode(role: Role, _ key: Data) -> String {
        let body = [role.rawValue] + Array(key)
        let crc = CRC16.checksum(body)
        return Base32.encode(body + [UInt8(crc & 0xFF), UInt8(crc >> 8)])
    }

    static func base64URL(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        ).replacingOccurrences(of: "=", with: "")
    }
}

/// RFC 4648 base32, upper case, without padding (as NKEYs are written).
enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(Self.alphabet[Int(buffer >> UInt32(bits - 5) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(Self.alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            guard let value = Self.alphabet.firstIndex(of: character) else { return nil }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8(buffer >> UInt32(bits - 8) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}

/// CRC-16/XMODEM (polynomial 0x1021, initial 0), the checksum at the end of an NKEY.
enum CRC16 {
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? crc << 1 ^ 0x1021 : crc << 1
            }
        }
        return crc
    }
}
