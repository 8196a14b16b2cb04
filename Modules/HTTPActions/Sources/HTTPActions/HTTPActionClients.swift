import AsyncHTTPClient
import NIOCore
import Outbound
import Synchronization

/// The HTTP clients of http actions. A URL whose host is an address uses the shared client; a
/// host name is pinned to the address the outbound policy checked: a client of its own whose
/// DNS override maps the name to that address, so the connection never looks the name up
/// again, and TLS still sends and verifies the name. At most `maxPinned` pinned clients are
/// kept; the least recently used one without a request in flight is shut down first.
public final class HTTPActionClients: Sendable {
    public static let maxPinned = 64

    struct Key: Hashable {
        var host: String
        var address: IPAddress
    }

    struct Pinned {
        var client: HTTPClient
        var inFlight: Int
        var lastUsed: UInt64
    }

    struct State {
        var pinned: [Key: Pinned] = [:]
        var uses: UInt64 = 0
        /// Clients handed out, for the tests that prove a refused target opened no socket.
        var leases = 0
        var closed = false
    }

    let shared: HTTPClient
    let configuration: HTTPClient.Configuration
    let state = Mutex(State())

    /// `concurrentActions`: connections per host, as many as actions may run at once
    /// (AsyncHTTPClient keeps 8 by default, and a ninth request to one host would wait for a
    /// connection, holding its action slot). Redirects are never followed by the client:
    /// the executor follows them itself, checking each hop.
    public init(concurrentActions: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, concurrentActions)
        configuration.redirectConfiguration = .disallow
        self.configuration = configuration
        self.shared = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// How many clients were handed out so far.
    var leaseCount: Int { self.state.withLock { $0.leases } }

    /// Runs `body` with the client for `host` at `address` (`nil`: the shared one).
    func withClient<T: Sendable>(
        host: String, pinnedTo address: IPAddress?, _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        guard let address else {
            self.state.withLock { $0.leases += 1 }
            return try await body(self.shared)
        }
        let key = Key(host: host, address: address)
        let (client, evicted) = self.lease(key)
        for old in evicted { try? await old.shutdown() }
        let result: Result<T, any Error>
        do { result = .success(try await body(client)) } catch { result = .failure(error) }
        if let done = self.release(key, client) { try? await done.shutdown() }
        return try result.get()
    }

    private func lease(_ key: Key) -> (HTTPClient, [HTTPClient]) {
        self.state.withLock { state -> (HTTPClient, [HTTPClient]) in
            state.uses += 1
            state.leases += 1
            if var entry = state.pinned[key] {
                entry.inFlight += 1
                entry.lastUsed = state.uses
                state.pinned[key] = entry
                return (entry.client, [])
            }
            var configuration = self.configuration
            configuration.dnsOverride = [key.host: key.address.description]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            state.pinned[key] = Pinned(client: client, inFlight: 1, lastUsed: state.uses)
            var evicted: [HTTPClient] = []
            while state.pinned.count > Self.maxPinned,
                let oldest = state.pinned.filter({ $0.value.inFlight == 0 }).min(by: {
                    $0.value.lastUsed < $1.value.lastUsed
                })
            {
                state.pinned[oldest.key] = nil
                evicted.append(oldest.value.client)
            }
            return (client, evicted)
        }
    }

    /// Ends a lease; returns a client that is now to be shut down.
    private func release(_ key: Key, _ client: HTTPClient) -> HTTPClient? {
        self.state.withLock { state in
            if var entry = state.pinned[key], entry.client === client {
                entry.inFlight -= 1
                state.pinned[key] = entry
                if state.closed && entry.inFlight == 0 {
                    state.pinned[key] = nil
                    return client
                }
                return nil
            }
            return nil
        }
    }

    /// Shuts every client down (the worker's last step): pinned ones without a request in
    /// flight at once, the others when their request ends.
    public func shutdown() async {
        let idle = self.state.withLock { state -> [HTTPClient] in
            state.closed = true
            let idle = state.pinned.filter { $0.value.inFlight == 0 }
            for key in idle.keys { state.pinned[key] = nil }
            return idle.values.map(\.client)
        }
        for client in idle { try? await client.shutdown() }
        try? await self.shared.shutdown()
    }
}
