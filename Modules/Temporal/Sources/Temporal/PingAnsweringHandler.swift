import NIOCore

/// Answers the server's HTTP/2 PING frames itself, before they reach NIOHTTP2.
///
/// Why: Temporal's (Go) gRPC server sends a bandwidth-estimation PING for nearly every burst
/// of request data it receives, and swift-nio-http2 1.46 treats more than 200 inbound PINGs
/// in 30 s as a flood: it sends GOAWAY (ENHANCE_YOUR_CALM) and drops the connection, failing
/// every call in flight and losing the tasks handed to its long polls. grpc-swift's transport
/// does not expose that limit, so this handler, placed between TLS and HTTP/2, acknowledges
/// PINGs (as HTTP/2 requires) and passes every other frame through unchanged.
final class PingAnsweringHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let frameHeaderLength = 9
    static let pingType: UInt8 = 0x6
    static let ackFlag: UInt8 = 0x1

    /// Bytes of a frame not yet complete.
    private var pending: ByteBuffer?
    /// How many PINGs were answered here (for tests).
    private(set) var answered = 0

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = self.unwrapInboundIn(data)
        var buffer: ByteBuffer
        if var pending = self.pending {
            pending.writeBuffer(&incoming)
            buffer = pending
        } else {
            buffer = incoming
        }
        self.pending = nil

        var forward = context.channel.allocator.buffer(capacity: buffer.readableBytes)
        while buffer.readableBytes >= Self.frameHeaderLength {
            let start = buffer.readerIndex
            guard
                let high = buffer.getInteger(at: start, as: UInt8.self),
                let low = buffer.getInteger(at: start + 1, as: UInt16.self),
                let type = buffer.getInteger(at: start + 3, as: UInt8.self),
                let flags = buffer.getInteger(at: start + 4, as: UInt8.self)
            else { break }
            let length = Int(high) << 16 | Int(low)
            let total = Self.frameHeaderLength + length
            guard buffer.readableBytes >= total, var frame = buffer.readSlice(length: total) else { break }
            if type == Self.pingType && flags & Self.ackFlag == 0 && length == 8 {
                self.answer(frame: &frame, context: context)
            } else {
                forward.writeBuffer(&frame)
            }
        }
        if buffer.readableBytes > 0 {
            self.pending = buffer.slice()
        }
        if forward.readableBytes > 0 {
            context.fireChannelRead(self.wrapInboundOut(forward))
        }
    }

    /// Writes the PING's ACK: same 8 bytes of opaque data, ACK flag set, stream 0.
    private func answer(frame: inout ByteBuffer, context: ChannelHandlerContext) {
        guard let payload = frame.getSlice(at: frame.readerIndex + Self.frameHeaderLength, length: 8) else { return }
        var ack = context.channel.allocator.buffer(capacity: Self.frameHeaderLength + 8)
        ack.writeInteger(UInt8(0))
        ack.writeInteger(UInt16(8))
        ack.writeInteger(Self.pingType)
        ack.writeInteger(Self.ackFlag)
        ack.writeInteger(UInt32(0))
        var opaque = payload
        ack.writeBuffer(&opaque)
        self.answered += 1
        context.writeAndFlush(self.wrapOutboundOut(ack), promise: nil)
    }
}
