import Foundation
import NATS
import NIOCore

/// Three `nats-server -js` processes of one test's own on loopback, routed into one JetStream
/// cluster, each with its own storage, so that a test can kill, freeze (SIGSTOP), thaw and
/// put into lame-duck mode one node while the others serve. The binary is the one
/// `Tools/services` installed (`NATS_SERVER_BIN`).
final class NATSTestCluster: @unchecked Sendable {
    // Only used from the test that owns it.
    struct Node {
        let name: String
        let port: Int
        let clusterPort: Int
        /// Its own storage directory, removed with the cluster.
        let storage: String
        var process: Process?

        var url: String { "nats://127.0.0.1:\(self.port)" }
    }

    private(set) var nodes: [Node] = []
    let name: String

    /// Every node's client URL, in node order.
    var urls: [String] { self.nodes.map(\.url) }

    init(size: Int = 3) async throws {
        self.name = "it-\(UUID().uuidString.prefix(8).lowercased())"
        for index in 0..<size {
            self.nodes.append(
                Node(
                    name: "\(self.name)-n\(index + 1)", port: try await PrivateNATSServer.freePort(),
                    clusterPort: try await PrivateNATSServer.freePort(), storage: try Self.makeStorage()))
        }
        for index in self.nodes.indices { try self.launch(index) }
        for index in self.nodes.indices { try await self.waitUntilAccepting(index) }
        try await self.waitForJetStream()
    }

    private static func makeStorage() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "activity-core-nats-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func launch(_ index: Int) throws {
        let node = self.nodes[index]
        // Lame-duck mode as short as nats-server allows (30 s), its first client closed after
        // 2 s; generous handshake deadlines for a loaded machine.
        let settings = """
            authorization {
              timeout: 10
            }
            lame_duck_duration: "30s"
            lame_duck_grace_period: "2s"

            """
        let config = node.storage + "/cluster.conf"
        try settings.write(toFile: config, atomically: true, encoding: .utf8)
        let routes = self.nodes.indices.filter { $0 != index }.map { "nats://127.0.0.1:\(self.nodes[$0].clusterPort)" }
        let process = Process()
        process.executableURL = try PrivateNATSServer.binary
        process.arguments = [
            "-c", config, "-js", "-a", "127.0.0.1", "-p", "\(node.port)", "-sd", node.storage,
            "--server_name", node.name, "--cluster_name", self.name,
            "--cluster", "nats://127.0.0.1:\(node.clusterPort)", "--routes", routes.joined(separator: ","),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.nodes[index].process = process
    }

    private func waitUntilAccepting(_ index: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if await PrivateNATSServer.accepts(port: self.nodes[index].port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PrivateNATSServerError("cluster node \(self.nodes[index].name) did not start within 20 s")
    }

    /// Waits until JetStream answers through every node (a meta leader was elected).
    func waitForJetStream(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        for node in self.nodes where node.process?.isRunning == true {
            let client = try await NATSClient.connect(
                configuration: try NATSConfiguration(urls: [node.url]), logger: TestDatabase.logger)
            defer { Task { await client.close() } }
            while true {
                let reply = try? await client.request("$JS.API.INFO", payload: ByteBuffer(), timeout: .seconds(2))
                let text = reply.map { String(buffer: $0.payload) } ?? ""
                if !text.isEmpty && !text.contains("\"error\"") { break }
                guard ContinuousClock.now < deadline else {
                    throw PrivateNATSServerError("JetStream of cluster \(self.name) not ready: \(text)")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// A client connected to node `index` alone.
    func client(_ index: Int) async throws -> NATSClient {
        try await NATSClient.connect(
            configuration: try NATSConfiguration(urls: [self.nodes[index].url]), logger: TestDatabase.logger)
    }

    /// Creates a stream of `replicas` replicas over `subjects` (as an operator would, before
    /// the worker starts), through node `index`.
    func createStream(_ name: String, subjects: [String], replicas: Int = 3, through index: Int = 1) async throws {
        let client = try await self.client(index)
        defer { Task { await client.close() } }
        let config: [String: Any] = [
            "name": name, "subjects": subjects, "retention": "limits", "storage": "file", "discard": "old",
            "num_replicas": replicas, "max_bytes": 16_777_216,
        ]
        let body = try JSONSerialization.data(withJSONObject: config)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let reply = try await client.request(
                "$JS.API.STREAM.CREATE.\(name)", payload: ByteBuffer(bytes: body), timeout: .seconds(10))
            let text = String(buffer: reply.payload)
            if !text.contains("\"error\"") { return }
            guard ContinuousClock.now < deadline else { throw PrivateNATSServerError("stream \(name): \(text)") }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Publishes through node `index` and waits for JetStream's acknowledgement (retried while
    /// the cluster elects a leader), so the message is stored when this returns.
    func publishStored(_ subject: String, _ body: String, through client: NATSClient) async throws {
        try await Self.publishStored(subject, body, client)
    }

    /// `publishStored` through any client.
    static func publishStored(_ subject: String, _ body: String, _ client: NATSClient) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            var failure = ""
            do {
                let reply = try await client.request(subject, payload: ByteBuffer(string: body), timeout: .seconds(3))
                let text = String(buffer: reply.payload)
                if text.contains("\"seq\"") && !text.contains("\"error\"") { return }
                failure = text
            } catch {
                failure = "\(error)"
            }
            guard ContinuousClock.now < deadline else {
                throw PrivateNATSServerError("not stored on \(subject): \(failure)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    func pid(_ index: Int) -> Int32 { self.nodes[index].process?.processIdentifier ?? 0 }

    /// SIGSTOP: the node hangs with its sockets open, as a frozen host does.
    func freeze(_ index: Int) { kill(self.pid(index), SIGSTOP) }

    /// SIGCONT after `freeze`.
    func thaw(_ index: Int) { kill(self.pid(index), SIGCONT) }

    /// SIGKILL, and waits until the process is gone.
    func kill9(_ index: Int) async throws {
        guard let process = self.nodes[index].process else { return }
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        self.nodes[index].process = nil
    }

    /// Starts node `index` again (after `kill9`), with its storage.
    func restart(_ index: Int) async throws {
        try self.launch(index)
        try await self.waitUntilAccepting(index)
    }

    /// `nats-server --signal ldm=PID`: the node enters lame-duck mode.
    func lameDuck(_ index: Int) async throws {
        let signal = Process()
        signal.executableURL = try PrivateNATSServer.binary
        signal.arguments = ["--signal", "ldm=\(self.pid(index))"]
        signal.standardOutput = FileHandle.nullDevice
        signal.standardError = FileHandle.nullDevice
        try signal.run()
        await ActivityCoreProcess.exit(of: signal)
    }

    /// Stops every node (a frozen one is thawed first, so that it can exit).
    func stop() async {
        for index in self.nodes.indices {
            guard let process = self.nodes[index].process else { continue }
            kill(process.processIdentifier, SIGCONT)
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
            self.nodes[index].process = nil
        }
    }

    deinit {
        for node in self.nodes {
            if let process = node.process, process.isRunning {
                kill(process.processIdentifier, SIGCONT)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: node.storage)
        }
    }
}
