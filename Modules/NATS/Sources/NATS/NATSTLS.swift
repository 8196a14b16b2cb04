/// TLS to NATS: PEM files for the trust roots and a client certificate. Any of them, or a
/// `tls://` server, makes TLS required; a server that requires TLS gets it in any case (with
/// the system's trust roots unless a CA is given). The server's INFO comes in plaintext and
/// the handshake follows, as NATS servers expect by default.
public struct NATSTLS: Sendable, Hashable {
    /// Trust only these roots (PEM); nil = the system's.
    public var caPath: String?
    /// Client certificate and key (PEM), both or neither: mutual TLS.
    public var certificatePath: String?
    public var keyPath: String?

    public init(caPath: String? = nil, certificatePath: String? = nil, keyPath: String? = nil) {
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// Whether anything was configured (then TLS is required of every server).
    public var isConfigured: Bool {
        self.caPath != nil || self.certificatePath != nil || self.keyPath != nil
    }
}
