import AdminAPI
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Requests the HTTP parser refuses, sent as raw bytes to a real server: the answer is a
/// JSON `400` like every other error, never an empty body.
@Suite("Malformed requests")
struct MalformedRequestTests {
    /// Sends `bytes` on a new connection and returns all the server sent until it closed.
    static func exchange(port: Int, _ bytes: [UInt8]) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received = ""
            for try await buffer in inbound { received += String(buffer: buffer) }
            return received
        }
    }

    /// Runs an admin server on a free port for `body`.
    static func withServer(_ body: @Sendable (Int) async throws -> Void) async throws {
        var logger = Logger(label: "malformed-tests")
        logger.logLevel = .warning
        let dependencies = AdminDependencies(
            sync: FakeSync(), definitions: FakeCatalog(), trigger: FakeTrigger(), cancel: FakeCancel(),
            runs: FakeRuns(),
            readiness: FakeReadiness(), metrics: FakeMetrics(), adminToken: AdminRoutesTests.token)
        let port = Mutex<Int?>(nil)
        let server = AdminServer(host: "127.0.0.1", port: 0, dependencies: dependencies, logger: logger) { bound in
            port.withLock { $0 = bound }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            var bound: Int?
            for _ in 0..<200 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try await body(try #require(bound))
            group.cancelAll()
        }
    }

    @Test(
        "an unknown method, a lowercase one and an oversized request line get a JSON 400",
        arguments: [
            ("FOO / HTTP/1.1\r\nHost: x\r\n\r\n", "unknown method"),
            ("get /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "unknown method"),
            (
                "GET /healthz?q=" + String(repeating: "a", count: 100 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "too large"
            ),
            ("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", "malformed HTTP request"),
        ])
    func malformed(request: String, reason: String) async throws {
        try await Self.withServer { port in
            let answer = try await Self.exchange(port: port, Array(request.utf8))
            let parts = answer.components(separatedBy: "\r\n\r\n")
            let head = parts[0].lowercased()
            #expect(head.hasPrefix("http/1.1 400"), "\(answer.prefix(300))")
            #expect(head.contains("content-type: application/json"), "\(head)")
            let body = try #require(parts.count > 1 ? parts[1] : nil)
            let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let message = try #require(json?["error"] as? String, "\(body)")
            #expect(message.contains(reason), "\(message)")
        }
    }

    @Test("a well-formed request on the same server is answered as usual")
    func wellFormed() async throws {
        try await Self.withServer { port in
            let answer = try await Self.exchange(
                port: port, Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
        }
    }
}
