import Foundation

/// Servers and credentials of a NATS connection, from `NATS_URL`
/// (`nats://` or `tls://[user:pass@|token@]host:port`, comma-separated), and TLS settings.
public struct NATSConfiguration: Sendable, Hashable {
    public struct Server: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var user: String?
        public var password: String?
        public var token: String?
        /// Given as `tls://`: never used without TLS.
        public var requiresTLS = false

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
    /// Trust roots and client certificate; configured ones make TLS required of every server.
    public var tls = NATSTLS()
    /// An NKEY seed or a `.creds` file (user JWT and seed), for every server.
    public var credentials: NATSCredentials?
    /// How often a PING checks that the server still answers (`NATS_PING_INTERVAL_SECONDS`).
    public var pingInterval: Duration = .seconds(20)
    /// PINGs left unanswered before the connection counts as stale and is replaced: a hung or
    /// partitioned server is left within `maxPingsOutstanding + 1` intervals.
    public var maxPingsOutstanding = 2
    /// How long one write (or a flush's PING) may wait for the socket before the connection
    /// counts as stale.
    public var writeTimeout: Duration = .seconds(10)
    /// Try the servers in a random order (`NATS_NO_RANDOMIZE=true` turns it off), so that
    /// replicas spread over a cluster.
    public var randomize = true

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
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty,
            let scheme = components.scheme?.lowercased(), ["nats", "tls"].contains(scheme)
        else {
            throw NATSError(
                .invalidConfiguration, "NATS server \"\(Self.redacted(text))\" is not nats:// or tls://host:port")
        }
        var server = Server(host: host, port: components.port ?? 4222)
        server.requiresTLS = scheme == "tls"
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
    public static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let scheme = text.range(of: "://").map { String(text[..<$0.upperBound]) } ?? ""
        return scheme + "***@" + String(text[text.index(after: at)...])
    }
}

extension NATSConfiguration.Server: CustomReflectable {
    /// `host:port` and whether credentials are set, never their values.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": self.host, "port": self.port, "user": self.user as Any,
                "credentials": self.password != nil || self.token != nil ? "<redacted>" : "none",
                "requiresTLS": self.requiresTLS,
            ], displayStyle: .struct)
    }
}
