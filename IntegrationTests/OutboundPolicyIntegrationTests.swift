import Definitions
import Foundation
import TestSupport
import Testing

extension WorkerSecuritySuites {
    /// Issue 26 item 1 against the real services, on loopback only: with `ACTIVITY_HTTP_ALLOW`
    /// unset, http actions aimed at 127.0.0.1, at `localhost` and at the worker's own admin port
    /// fail on their one attempt naming the rule, and nothing reaches the receiver; allowed only
    /// 127.0.0.2, a 307 from a server there to 127.0.0.1 is refused at the hop; a redirect is a
    /// failure unless `max_redirects` asks for it.
    @Suite("Outbound policy of http actions against the real services", .timeLimit(.minutes(5)))
    struct OutboundPolicyIntegrationTests {
        static func definition(_ id: String, url: String, method: String = "POST", redirects: Int? = nil) -> String {
            """
            id: \(id)
            action:
              type: http
              url: "\(url)"
              method: \(method)
            \(redirects.map { "  max_redirects: \($0)\n" } ?? "")\
              timeout_seconds: 10
              retry: {max_attempts: 3, initial_interval_seconds: 1, backoff: 1, max_interval_seconds: 1}

            """
        }

        static func failed(_ worker: WorkerUnderTest, _ id: String) async throws -> [String: Any] {
            let runs = try await worker.runs(of: id) { $0.first?["status"] as? String == "failed" }
            return runs.first ?? [:]
        }

        @Test("unset ACTIVITY_HTTP_ALLOW: loopback targets are refused before any request, validate warns")
        func loopbackRefused() async throws {
            let receiver = try await HTTPReceiver()
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("direct.yaml", Self.definition("direct", url: receiver.url))
            try folder.write(
                "named.yaml", Self.definition("named", url: "http://localhost:\(receiver.port)/hook"))
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path, extra: ["ACTIVITY_HTTP_ALLOW": ""])

            // validate names the file and line of each literal target the policy refuses.
            let validation = try await ActivityCoreProcess.run(["validate", folder.path], environment: environment)
            #expect(validation.status == 0, "\(validation.stdout) \(validation.stderr)")
            let direct = folder.path + "/direct.yaml:4"
            let named = folder.path + "/named.yaml:4"
            #expect(
                validation.stdout.contains(direct) && validation.stdout.contains("loopback"), "\(validation.stdout)")
            #expect(validation.stdout.contains(named), "\(validation.stdout)")

            let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
            defer { worker.process.terminate() }
            try folder.write(
                "admin.yaml",
                Self.definition("admin", url: "http://127.0.0.1:\(worker.port)/admin/sync?allow_empty=true"))
            let sync = try await worker.call(.POST, "/admin/sync")
            #expect(sync.status == 200)
            #expect(sync.text.contains("loopback"), "sync warns about the literal targets: \(sync.text)")

            for id in ["direct", "named", "admin"] {
                #expect(try await worker.call(.POST, "/admin/definitions/\(id)/trigger").status == 200)
            }
            for id in ["direct", "named", "admin"] {
                let run = try await Self.failed(worker, id)
                let error = run["error"] as? String ?? ""
                #expect(run["status"] as? String == "failed", "\(id): \(run)")
                // Non-retryable: one attempt of the three allowed.
                #expect(run["attempts"] as? Int == 1, "\(id): \(run)")
                #expect(error.contains("127.0.0.1") && error.contains("loopback"), "\(id): \(error)")
                #expect(error.contains("ACTIVITY_HTTP_ALLOW"), "\(id): \(error)")
            }
            #expect(receiver.count == 0, "a refused target received \(receiver.count) request(s)")
            // The admin port never saw the action's sync: the last sync is the test's own.
            let definitions = try await worker.call(.GET, "/admin/definitions").list
            #expect(definitions.count == 3, "\(definitions)")
            #expect(try await worker.stop() == 0)
            await receiver.close()
        }

        @Test("allowed only 127.0.0.2: a 307 to 127.0.0.1 is refused at the hop; redirects need max_redirects")
        func redirectHops() async throws {
            let target = try await HTTPReceiver()
            let inside = try await HTTPReceiver(host: "127.0.0.2")
            let outward = try await HTTPReceiver(statuses: [307], reply: .redirect(to: target.url), host: "127.0.0.2")
            let within = try await HTTPReceiver(statuses: [308], reply: .redirect(to: inside.url), host: "127.0.0.2")
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("outward.yaml", Self.definition("outward", url: outward.url, redirects: 3))
            try folder.write("unasked.yaml", Self.definition("unasked", url: within.url))
            try folder.write("within.yaml", Self.definition("within", url: within.url, redirects: 1))
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path, extra: ["ACTIVITY_HTTP_ALLOW": "127.0.0.2"])
            let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
            defer { worker.process.terminate() }
            #expect(try await worker.call(.POST, "/admin/sync").status == 200)

            #expect(try await worker.call(.POST, "/admin/definitions/outward/trigger").status == 200)
            let refused = try await Self.failed(worker, "outward")
            let error = refused["error"] as? String ?? ""
            #expect(refused["attempts"] as? Int == 1, "\(refused)")
            #expect(error.contains("redirect") && error.contains("127.0.0.1") && error.contains("loopback"), "\(error)")
            #expect(!error.contains("REDIRECT-BODY"), "nothing of a redirect's reply is kept: \(error)")
            #expect(outward.count == 1)
            #expect(target.count == 0, "the hop to 127.0.0.1 was followed")

            #expect(try await worker.call(.POST, "/admin/definitions/unasked/trigger").status == 200)
            let unasked = try await Self.failed(worker, "unasked")
            let unaskedError = unasked["error"] as? String ?? ""
            #expect(unasked["attempts"] as? Int == 1, "\(unasked)")
            #expect(unaskedError.contains("max_redirects"), "\(unaskedError)")
            #expect(!unaskedError.contains("REDIRECT-BODY"), "\(unaskedError)")
            #expect(inside.count == 0)

            #expect(try await worker.call(.POST, "/admin/definitions/within/trigger").status == 200)
            let followed = try await worker.runs(of: "within") { $0.first?["status"] as? String == "succeeded" }
            #expect(followed.first?["status"] as? String == "succeeded", "\(followed)")
            // A 308 keeps the method and the body.
            let arrived = inside.requests
            #expect(arrived.count == 1 && arrived.first?.method == "POST" && arrived.first?.body.isEmpty == false)
            #expect(try await worker.stop() == 0)
            for receiver in [target, inside, outward, within] { await receiver.close() }
        }
    }
}
