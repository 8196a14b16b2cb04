import Foundation

/// How the client proves who it is beyond the URL's user/password or token: an NKEY seed
/// file (`NATS_NKEY_SEED`) or a `.creds` file holding a user JWT and its NKEY seed
/// (`NATS_CREDS`). The files are read at each connection (so a rotated file is used from the
/// next reconnect on); what they hold is never logged or put into an error.
public enum NATSCredentials: Sendable, Hashable, CustomStringConvertible {
    case nkeySeed(path: String)
    case creds(path: String)

    /// What the CONNECT carries: the public key or the JWT, and the nonce's signature.
    struct Proof {
        var nkey: String?
        var jwt: String?
        var signature: String?
    }

    public var description: String {
        switch self {
        case .nkeySeed(let path): "NKEY seed \(path)"
        case .creds(let path): "credentials \(path)"
        }
    }

    /// Reads and checks the file (startup: a bad one is an error naming the file, never its
    /// contents).
    public func validate() throws(NATSError) {
        _ = try self.load()
    }

    /// The key (and JWT) from the file.
    func load() throws(NATSError) -> (key: NKey, jwt: String?) {
        switch self {
        case .nkeySeed(let path):
            let text = try Self.read(path)
            do {
                return (try NKey(seed: text), nil)
            } catch {
                throw NATSError(.invalidConfiguration, "\(path): \(error.message)")
            }
        case .creds(let path):
            let text = try Self.read(path)
            guard let jwt = Self.block(named: "JWT", in: text), !jwt.isEmpty else {
                throw NATSError(.invalidConfiguration, "\(path): no NATS USER JWT block (not a .creds file)")
            }
            guard let seed = Self.block(named: "SEED", in: text) else {
                throw NATSError(.invalidConfiguration, "\(path): no USER NKEY SEED block (not a .creds file)")
            }
            do {
                return (try NKey(seed: seed), jwt)
            } catch {
                throw NATSError(.invalidConfiguration, "\(path): \(error.message)")
            }
        }
    }

    /// The CONNECT fields for a server that sent `nonce` (none: the key is not asked for).
    func proof(nonce: String?) throws(NATSError) -> Proof {
        let (key, jwt) = try self.load()
        let signature = try nonce.map { nonce throws(NATSError) in try key.sign(nonce) }
        return Proof(nkey: jwt == nil ? key.publicKey : nil, jwt: jwt, signature: signature)
    }

    private static func read(_ path: String) throws(NATSError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NATSError(.invalidConfiguration, "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The first line between a `---...BEGIN ... <name> ...---` line and its `---...END` line.
    static func block(named name: String, in text: String) -> String? {
        var inside = false
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let marker = line.hasPrefix("---") && line.hasSuffix("---")
            if marker && line.contains("BEGIN") && line.contains(name) {
                inside = true
            } else if marker {
                inside = false
            } else if inside && !line.isEmpty {
                return line
            }
        }
        return nil
    }
}
