import Foundation

/// How to reach a Temporal frontend: address, namespace, identity and transport security.
public struct TemporalConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var namespace: String
    /// `activity-core@host:pid` unless set.
    public var identity: String
    /// PEM files; certificate and key together mean mTLS. A CA alone means TLS with that CA.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var tlsCAPath: String?
    /// Sent as `authorization: Bearer <key>`; implies TLS.
    public var apiKey: String?
    /// Attempts of one RPC on UNAVAILABLE / RESOURCE_EXHAUSTED before giving up.
    public var maxAttempts: Int

    public init(
        address: String = "127.0.0.1:7233",
        namespace: String = "default",
        identity: String? = nil,
        tlsCertificatePath: String? = nil,
        tlsKeyPath: String? = nil,
        tlsCAPath: String? = nil,
        apiKey: String? = nil,
        maxAttempts: Int = 6
    ) throws(TemporalError) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw TemporalError(.invalidConfiguration, "Temporal address \"\(address)\" is not host:port")
        }
        self.host = String(address[..<colon])
        self.port = port
        self.namespace = namespace
        self.identity = identity ?? Self.defaultIdentity()
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.tlsCAPath = tlsCAPath
        self.apiKey = apiKey
        self.maxAttempts = max(1, maxAttempts)
    }

    /// True when the connection must be encrypted.
    public var usesTLS: Bool {
        self.tlsCertificatePath != nil || self.tlsCAPath != nil || self.apiKey != nil
    }

    public var address: String { "\(self.host):\(self.port)" }

    public static func defaultIdentity() -> String {
        "activity-core@\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}

extension TemporalConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Everything but the API key, which shows as `<redacted>` when set.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "address": self.address, "namespace": self.namespace, "identity": self.identity,
                "tlsCertificatePath": self.tlsCertificatePath as Any, "tlsKeyPath": self.tlsKeyPath as Any,
                "tlsCAPath": self.tlsCAPath as Any, "apiKey": self.apiKey.map { _ in "<redacted>" } as Any,
                "maxAttempts": self.maxAttempts,
            ], displayStyle: .struct)
    }

    public var description: String {
        let fields = self.customMirror.children.map { "\($0.label ?? "?"): \(String(describing: $0.value))" }
        return "TemporalConfiguration(\(fields.joined(separator: ", ")))"
    }

    public var debugDescription: String { self.description }
}
