import NIOCore
import NIOEmbedded
import Testing

@testable import Temporal

/// The handler that keeps the server's PINGs away from NIOHTTP2's flood limit.
@Suite("PingAnsweringHandler")
struct PingAnsweringHandlerTests {
    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
            + [UInt8(stream >> 24 & 0xff), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)]
            + payload
    }

    @Test("a PING is answered with its ACK and not passed on; other frames pass unchanged, split or not")
    func answersPings() throws {
        let handler = PingAnsweringHandler()
        let channel = EmbeddedChannel(handler: handler)
        let ping = Self.frame(type: 6, payload: [1, 2, 3, 4, 5, 6, 7, 8])
        let data = Self.frame(type: 0, flags: 1, stream: 3, payload: Array("hello".utf8))
        let settings = Self.frame(type: 4, payload: [])
        let pingAck = Self.frame(type: 6, flags: 1, payload: [9, 9, 9, 9, 9, 9, 9, 9])
        let bytes = settings + ping + data + pingAck
        // Delivered in awkward pieces: frame boundaries fall inside reads.
        for chunk in stride(from: 0, to: bytes.count, by: 7) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[chunk..<min(chunk + 7, bytes.count)]))
        }
        var passed: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) {
            passed += Array(buffer.readableBytesView)
        }
        #expect(passed == settings + data + pingAck)
        let ack = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(ack.readableBytesView) == Self.frame(type: 6, flags: 1, payload: [1, 2, 3, 4, 5, 6, 7, 8]))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(handler.answered == 1)
    }

    @Test("a thousand PINGs in a row are all answered")
    func manyPings() throws {
        let handler = PingAnsweringHandler()
        let channel = EmbeddedChannel(handler: handler)
        var bytes: [UInt8] = []
        for index in 0..<1000 {
            bytes += Self.frame(type: 6, payload: [0, 0, 0, 0, 0, 0, UInt8(index >> 8), UInt8(index & 0xff)])
        }
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(handler.answered == 1000)
    }
}
