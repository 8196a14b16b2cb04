import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import NATS

/// The options the NATS client sets on its TCP socket, read back from a real connection.
///
/// `TCP_NODELAY` was once set at the socket level (`SOL_SOCKET`), where its number is
/// `SO_DEBUG`: a non-root process (the container image's user) is refused that, so NATS never
/// connected in the container, while the tests (run as root here) passed.
@Suite("NATS socket options")
struct NATSSocketOptionsTests {
    @Test("TCP_NODELAY is set at the TCP level; SO_DEBUG stays off")
    func noDelayAtTCPLevel() async throws {
        let configuration = try NATSConfiguration(urls: NATSClientIntegrationTests.urls)
        let server = try #require(configuration.servers.first)
        let subscriptions = NATSSubscriptions()
        let link = try await NATSLink.open(
            to: server, configuration: configuration, subscriptions: subscriptions,
            inbox: (subject: "_INBOX.it-socket-options.*", sid: subscriptions.nextID()), onClose: { _, _ in })
        let options: (noDelay: SocketOptionValue, debug: SocketOptionValue)
        do {
            options = (
                try await link.channel.getOption(.tcpOption(.tcp_nodelay)).get(),
                try await link.channel.getOption(
                    ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: SO_DEBUG))
                ).get()
            )
        } catch {
            await link.close()
            throw error
        }
        await link.close()
        // TCP_NODELAY is what the client wants (NIO's bootstrap also turns it on by default);
        // SO_DEBUG is what the socket-level mistake turned on instead.
        #expect(options.noDelay != 0)
        #expect(options.debug == 0)
    }
}
