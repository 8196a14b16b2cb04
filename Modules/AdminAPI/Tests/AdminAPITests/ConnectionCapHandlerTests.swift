import NIOCore
import NIOEmbedded
import Testing

@testable import AdminAPI

/// The strict connection cap: connections past `maxConnections` that one accept round took
/// together are closed at once; a closed connection makes room for the next.
@Suite("Connection cap")
struct ConnectionCapHandlerTests {
    static func connect(_ connections: OpenConnections, max: Int) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ConnectionCapHandler(connections: connections, maxConnections: max))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        return channel
    }

    @Test("a third connection beside two is closed; after one closes, the next is kept")
    func strict() throws {
        let connections = OpenConnections()
        let first = try Self.connect(connections, max: 2)
        let second = try Self.connect(connections, max: 2)
        #expect(first.isActive && second.isActive)
        let third = try Self.connect(connections, max: 2)
        #expect(!third.isActive, "a connection past the cap was kept")
        #expect(connections.count.load(ordering: .relaxed) == 2)
        _ = try first.finish()
        #expect(connections.count.load(ordering: .relaxed) == 1)
        let fourth = try Self.connect(connections, max: 2)
        #expect(fourth.isActive)
        #expect(connections.count.load(ordering: .relaxed) == 2)
        _ = try second.finish()
        _ = try fourth.finish()
        #expect(connections.count.load(ordering: .relaxed) == 0)
    }
}
