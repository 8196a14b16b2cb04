import Foundation
import NIOCore
import NIOPosix

/// A `nats-server -js` of one test's own, on a free loopback port with its own storage, so
/// that a test can stop and restart it without disturbing the shared server. The binary is
/// the one `Tools/services` installed (`NATS_SERVER_BIN`).
final class PrivateNATSServer: @unchecked Sendable {
    // Only used from the test that owns it.
    let port: Int
    let storage: TemporaryFolder
    /// More `nats-server` options (authorisation, TLS).
    let options: [String]
    /// Lines inside the configuration's `authorization` block (users with NKEYs, say).
    let authorization: String
    /// More top-level configuration (operator mode: `operator`, `resolver`).
    let config: String
    let jetStream: Bool
    private var process: Process?

    var url: String { "nats://127.0.0.1:\(self.port)" }

    static var binary: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["NATS_SERVER_BIN"], !path.isEmpty {
                return URL(fileURLWithPath: path)
            }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            let installed = root.appendingPathComponent(".services/venv/bin/nats-server")
            guard FileManager.default.isExecutableFile(atPath: installed.path) else {
                throw PrivateNATSServerError(
                    "no nats-server: set NATS_SERVER_BIN or run Tools/services start nats (expected \(installed.path))")
            }
            return installed
        }
    }

    init(options: [String] = [], authorization: String = "", config: String = "", jetStream: Bool = true)
        async throws
    {
        self.port = try await Self.freePort()
        self.storage = try TemporaryFolder()
        self.options = options
        self.authorization = authorization
        self.config = config
        self.jetStream = jetStream
        try await self.start()
    }

    func start() async throws {
        let process = Process()
        process.executableURL = try Self.binary
        // Generous handshake deadlines (nats-server's are 2 s for CONNECT, 0.5 s for TLS): on two
        // busy cores a whole test run's load otherwise turns a refusal into "Authentication
        // Timeout" and a TLS connection into a closed one. A tls block alone would require
        // TLS, so it is written only for a TLS server.
        let tls = self.options.contains("--tls") || self.options.contains("--tlsverify")
        // Operator mode takes no authorization block.
        let authorization = "authorization {\n  timeout: 10\n\(self.authorization)\n}\n"
        let settings =
            (self.config.isEmpty ? authorization : self.config + "\n") + (tls ? "tls {\n  timeout: 10\n}\n" : "")
        let config = self.storage.path + "/timeouts.conf"
        try settings.write(toFile: config, atomically: true, encoding: .utf8)
        process.arguments =
            ["-c", config] + (self.jetStream ? ["-js"] : []) + [
                "-a", "127.0.0.1", "-p", "\(self.port)", "-sd", self.storage.path,
            ] + self.options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if await Self.accepts(port: self.port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PrivateNATSServerError("nats-server on port \(self.port) did not start within 20 s")
    }

    /// Stops the server (SIGTERM) and waits until it exited.
    func stop() async throws {
        guard let process = self.process else { return }
        process.terminate()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        self.process = nil
    }

    static func accepts(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        guard port > 0 else { throw PrivateNATSServerError("no free port") }
        return port
    }

    deinit {
        if let process, process.isRunning { process.terminate() }
    }
}

struct PrivateNATSServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
