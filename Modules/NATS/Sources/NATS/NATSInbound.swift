import NIOCore

/// One operation from the server (core NATS protocol).
enum NATSInbound: Sendable, Hashable {
    case info(String)
    case message(sid: UInt64, NATSMessage)
    case ping
    case pong
    case ok
    case error(String)
}
