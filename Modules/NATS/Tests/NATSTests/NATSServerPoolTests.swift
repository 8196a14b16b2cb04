import Testing

@testable import NATS

@Suite("NATS server pool")
struct NATSServerPoolTests {
    static func servers(_ urls: String...) throws -> [NATSConfiguration.Server] {
        try urls.map { try NATSConfiguration.server($0) }
    }

    @Test("NATS_NO_RANDOMIZE keeps the order; a failed or lost server goes to the back")
    func orderAndMoveToBack() throws {
        let configured = try Self.servers("nats://a:4222", "nats://b:4222", "nats://c:4222")
        var pool = NATSServerPool(configured: configured, randomize: false)
        #expect(pool.servers.map(\.host) == ["a", "b", "c"])
        pool.moveToBack(configured[0])
        #expect(pool.servers.map(\.host) == ["b", "c", "a"])
        pool.moveToBack(try NATSConfiguration.server("nats://C:4222"))
        #expect(pool.servers.map(\.host) == ["b", "a", "c"])
        pool.moveToBack(try NATSConfiguration.server("nats://unknown:4222"))
        #expect(pool.servers.map(\.host) == ["b", "a", "c"])
    }

    @Test("shuffled by default: over many pools every server comes first at some point")
    func randomized() throws {
        let configured = try Self.servers("nats://a:4222", "nats://b:4222", "nats://c:4222")
        var firsts: Set<String> = []
        for _ in 0..<200 {
            let pool = NATSServerPool(configured: configured, randomize: true)
            #expect(Set(pool.servers.map(\.host)) == ["a", "b", "c"])
            firsts.insert(pool.servers[0].host)
        }
        #expect(firsts == ["a", "b", "c"])
    }

    @Test("announced servers join once, with the announcing server's credentials and TLS requirement")
    func announced() throws {
        let configured = try Self.servers("tls://router:s3cret@a:4222")
        var pool = NATSServerPool(configured: configured, randomize: false)
        let added = pool.announce(
            ["a:4222", "10.0.0.2:4222", "10.0.0.3:4223", "10.0.0.2:4222", "not a url::"], by: configured[0])
        #expect(added.map(\.description) == ["10.0.0.2:4222", "10.0.0.3:4223"])
        #expect(pool.servers.count == 3)
        #expect(pool.servers[1].user == "router" && pool.servers[1].password == "s3cret")
        #expect(pool.servers[1].requiresTLS)
        #expect(pool.announce(["10.0.0.3:4223"], by: configured[0]).isEmpty)
        #expect(pool.servers.count == 3)
    }
}
