/// The servers a client tries, in order: those of `NATS_URL` (shuffled unless asked not to)
/// and those the cluster announces in its INFO (`connect_urls`). A server that failed, that
/// the client lost or that entered lame-duck mode goes to the back, so the next attempt is
/// another server's. A value type: the client keeps it under its lock; unit tests drive it.
struct NATSServerPool: Sendable {
    typealias Server = NATSConfiguration.Server

    private(set) var servers: [Server]
    private let randomize: Bool

    init(configured: [Server], randomize: Bool) {
        self.randomize = randomize
        self.servers = randomize ? configured.shuffled() : configured
    }

    /// `server` is tried last from now on.
    mutating func moveToBack(_ server: Server) {
        guard let index = self.servers.firstIndex(where: { Self.sameAddress($0, server) }) else { return }
        self.servers.append(self.servers.remove(at: index))
    }

    /// Adds the servers of an INFO's `connect_urls` (`host:port` each) that the pool lacks;
    /// they connect with the credentials and TLS requirement of `announcer`, the server that
    /// announced them (the same cluster). Returns the servers added.
    @discardableResult
    mutating func announce(_ urls: [String], by announcer: Server) -> [Server] {
        var added: [Server] = []
        for url in urls {
            guard var server = try? NATSConfiguration.server(url),
                !self.servers.contains(where: { Self.sameAddress($0, server) }),
                !added.contains(where: { Self.sameAddress($0, server) })
            else { continue }
            server.user = announcer.user
            server.password = announcer.password
            server.token = announcer.token
            server.requiresTLS = announcer.requiresTLS
            added.append(server)
        }
        self.servers += self.randomize ? added.shuffled() : added
        return added
    }

    static func sameAddress(_ one: Server, _ other: Server) -> Bool {
        one.host.lowercased() == other.host.lowercased() && one.port == other.port
    }
}
