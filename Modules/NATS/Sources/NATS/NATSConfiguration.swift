import Foundation

/// Servers and credentials of a NATS connection, from `NATS_URL`
/// (`nats://[user:pass@|token@]host:port`, comma-separated).
public struct NATSConfiguration: Sendable, Hashable {
    public struct Server: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var user: String?
        public var password: String?
        public var token: String?

        /// `host:port`, never the credentials.
        public var description: String { "\(self.host):\(self.port)" }
    }

    public var servers: [Server]
    /// The client name the server shows in its monitoring.
    public var name: String
    /// How long connecting to one server may take.
    public var connectTimeout: Duration
    /// The first wait between reconnect rounds; doubles up to `maxReconnectWait`.
    public var reconnectWait: Duration = .milliseconds(250)
    public var maxReconnectWait: Duration = .seconds(5)
    /// Rounds over all servers before giving up; `nil` reconnects for as long as the process runs.
    public var maxReconnectAttempts: Int?

    public init(urls: [String], name: String = "activity-core", connectTimeout: Duration = .seconds(5))
        throws(NATSError)
    {
        self.servers = try urls.map { url throws(NATSError) in try Self.server(url) }
        guard !self.servers.isEmpty else { throw NATSError(.invalidConfiguration, "no NATS server given") }
        self.name = name
        self.connectTimeout = connectTimeout
    }

    static func server(_ text: String) throws(NATSError) -> Server {
        let withScheme = text.contains("://") ? text : "nats://" + text
        if withScheme.lowercased().hasPrefix("tls://") {
            // Never fall back to plaintext for a server the operator asked TLS of.
            throw NATSError(
                .invalidConfiguration,
                "NATS server \"\(Self.redacted(text))\": TLS (tls://) is not supported by activity-core's NATS client; "
                    + "use nats:// on a trusted network, or a TLS-terminating sidecar")
        }
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty,
            components.scheme == "nats"
        else {
            throw NATSError(.invalidConfiguration, "NATS server \"\(Self.redacted(text))\" is not nats://host:port")
        }
        var server = Server(host: host, port: components.port ?? 4222)
        if let user = components.user?.removingPercentEncoding ?? components.user {
            if let password = components.password {
                server.user = user
                server.password = password.removingPercentEncoding ?? password
            } else {
                server.token = user
            }
        }
        return server
    }

    /// The URL with any credentials replaced, for messages.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://") else { return text }
        return String(text[..<scheme.upperBound]) + "***@" + String(text[text.index(after: at)...])
    }
}
