import Foundation
import TestSupport
import Testing

extension WorkerSecuritySuites {
    /// Issue 26 item 2 against the real services: a `${secret:NAME}` header reaches the receiver
    /// while Temporal's history, a `pg_dump` of the worker's schema, `GET /admin/runs` and the
    /// worker's trace log hold only the reference; a missing secret fails the run on its one
    /// attempt naming the reference.
    @Suite("Secret references of http actions against the real services", .timeLimit(.minutes(5)))
    struct SecretReferenceIntegrationTests {
        static func definition(_ id: String, url: String, header: String) -> String {
            """
            id: \(id)
            action:
              type: http
              url: "\(url)"
              headers:
                Authorization: "Bearer \(header)"
                X-Team: coulomb
              timeout_seconds: 10
              retry: {max_attempts: 3, initial_interval_seconds: 1, backoff: 1, max_interval_seconds: 1}

            """
        }

        /// `pg_dump` of one schema, waited for without holding a thread.
        static func dump(schema: String) async throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin/pg_dump")
            process.arguments = ["--no-owner", "--schema=\(schema)", TestDatabase.urlText]
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString).sql")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            process.standardOutput = try FileHandle(forWritingTo: output)
            try process.run()
            await ActivityCoreProcess.exit(of: process)
            #expect(process.terminationStatus == 0, "pg_dump failed")
            return try String(contentsOf: output, encoding: .utf8)
        }

        @Test("the value reaches the receiver and nothing stored or logged; a missing secret names the reference")
        func secretNeverStored() async throws {
            let value = "HOOK-SECRET-\(UUID().uuidString)"
            let receiver = try await HTTPReceiver()
            let secrets = try TemporaryFolder()
            try secrets.write("hook-token", value + "\n")
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("hook.yaml", Self.definition("hook", url: receiver.url, header: "${secret:hook-token}"))
            try folder.write("absent.yaml", Self.definition("absent", url: receiver.url, header: "${secret:absent}"))
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path,
                extra: ["ACTIVITY_SECRETS_DIR": secrets.path, "LOG_LEVEL": "trace"])
            let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
            defer { worker.process.terminate() }
            #expect(try await worker.call(.POST, "/admin/sync").status == 200)
            #expect(try await worker.call(.POST, "/admin/definitions/hook/trigger").status == 200)
            #expect(try await worker.call(.POST, "/admin/definitions/absent/trigger").status == 200)

            let runs = try await worker.runs(of: "hook") { $0.first?["status"] as? String == "succeeded" }
            let run = try #require(runs.first)
            #expect(run["status"] as? String == "succeeded", "\(run)")
            let request = try #require(receiver.requests.first)
            #expect(request.headers["authorization"] == "Bearer \(value)")
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(!body.contains(value) && !body.contains("secret:"), "the body repeats the headers: \(body)")

            let absent = try await worker.runs(of: "absent") { $0.first?["status"] as? String == "failed" }
            let failed = try #require(absent.first)
            #expect(failed["attempts"] as? Int == 1, "\(failed)")
            let error = failed["error"] as? String ?? ""
            #expect(error.contains("${secret:absent}") && error.contains("ACTIVITY_SECRETS_DIR"), "\(error)")
            #expect(receiver.count == 1, "the run without its secret sent a request")

            // Temporal's history: the reference, never the value.
            let workflowID = try #require(run["workflow_id"] as? String)
            let history = try await TestTemporal.history(workflowID).map { "\($0)" }.joined(separator: "\n")
            #expect(history.contains("${secret:hook-token}"), "the history was not searched where the headers are")
            #expect(!history.contains(value), "Temporal's history holds the secret")
            // PostgreSQL: the same.
            let dump = try await Self.dump(schema: schema)
            #expect(dump.contains("${secret:hook-token}"), "the dump was not of the worker's schema")
            #expect(!dump.contains(value), "PostgreSQL holds the secret")
            // The admin API and the worker's own output at trace level.
            for path in [
                "/admin/runs", "/admin/runs?activity_id=hook", "/admin/definitions", "/admin/definitions/hook",
            ] {
                #expect(!(try await worker.call(.GET, path).text.contains(value)), "\(path)")
            }
            #expect(try await worker.stop() == 0)
            let output = worker.logText + worker.outputText
            #expect(output.contains("trace"), "the worker did not log at trace level")
            #expect(!output.contains(value), "the worker's log holds the secret")
            await receiver.close()
        }
    }
}
