import Foundation
import Testing

/// `Tools/smoke` against a running worker on a copy of examples/coulomb, as an operator runs
/// it after a deployment.
@Suite("Tools/smoke against a worker")
struct SmokeIntegrationTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `Tools/smoke` against `worker` with the worker's definitions `root`, publishing
    /// under the test's own stream subjects (it.<schema>.>); exit status and output.
    static func runSmoke(
        worker: WorkerUnderTest, root: String, schema: String, environment extra: [String: String] = [:]
    ) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.repository.appendingPathComponent("Tools/smoke").path, "--url",
            "http://127.0.0.1:\(worker.port)", "--root", root, "--subject-prefix", "it.\(schema)",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["ACTIVITY_ADMIN_TOKEN"] = worker.token
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        // Output to a file, polled: reading a pipe to its end would hold a cooperative thread
        // for the whole smoke run.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        await ActivityCoreProcess.exit(of: process)
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    @Test("every check holds, and the smoke leaves the definitions as it found them")
    func smoke() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        let root = folder.url.appendingPathComponent("coulomb")
        try FileManager.default.copyItem(
            at: Self.repository.appendingPathComponent("examples/coulomb"), to: root)
        let before = try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted()
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(schema: schema, definitions: root.path, prefix: prefix)
        let token = "smoke-token-\(schema)"
        let worker = try await WorkerUnderTest.start(environment: environment, token: token)
        defer { worker.process.terminate() }

        let (status, text) = try await Self.runSmoke(worker: worker, root: root.path, schema: schema)
        #expect(status == 0, "\(text)\n\(worker.logText)")
        let lines = text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.count >= 9, "\(text)")
        #expect(lines.allSatisfy { $0["ok"] as? Bool == true }, "\(text)")
        #expect(lines.last?["check"] as? String == "smoke")
        #expect(!text.contains(token))
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted() == before)
        #expect(try await worker.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: prefix)
    }
}
