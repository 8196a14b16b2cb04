import Foundation
import Logging
import Temporal

/// A Temporal dev server of one test's own (in memory, on free loopback ports), for behaviour
/// the shared one is configured against, such as a server that declines eager execution. The
/// binary is the one `Tools/services` installed (`TEMPORAL_BIN`).
final class PrivateTemporalServer: @unchecked Sendable {
    // Only used from the test that owns it.
    let port: Int
    private var process: Process?

    var address: String { "127.0.0.1:\(self.port)" }

    static var binary: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["TEMPORAL_BIN"], !path.isEmpty {
                return URL(fileURLWithPath: path)
            }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            let installed = root.appendingPathComponent(".services/venv/bin/temporal")
            guard FileManager.default.isExecutableFile(atPath: installed.path) else {
                throw PrivateNATSServerError(
                    "no temporal: set TEMPORAL_BIN or run Tools/services start temporal (expected \(installed.path))")
            }
            return installed
        }
    }

    /// Starts the server with `dynamicConfig` (`key=value`) and waits until it answers.
    init(dynamicConfig: [String]) async throws {
        self.port = try await PrivateNATSServer.freePort()
        let process = Process()
        process.executableURL = try Self.binary
        process.arguments =
            [
                "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", "\(self.port)",
                "--http-port", "\(try await PrivateNATSServer.freePort())",
                "--metrics-port", "\(try await PrivateNATSServer.freePort())", "--log-level", "error",
            ] + dynamicConfig.flatMap { ["--dynamic-config-value", $0] }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let configuration = try TemporalConfiguration(address: self.address)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if await PrivateNATSServer.accepts(port: self.port) {
                let ready: Bool? = try? await TemporalClient.withClient(
                    configuration: configuration, logger: Logger(label: "private-temporal")
                ) { client in
                    try await client.checkNamespace()
                    return true
                }
                if ready == true { return }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PrivateNATSServerError("temporal dev server on port \(self.port) did not answer within 60 s")
    }

    /// Stops the server (SIGTERM) and waits until it exited.
    func stop() async throws {
        guard let process = self.process else { return }
        process.terminate()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        self.process = nil
    }

    deinit {
        if let process, process.isRunning { process.terminate() }
    }
}
