import Foundation
import TestSupport
import Testing

extension WorkerSecuritySuites {
    /// Issue 26 items 3 and 4 against a worker: a read token lists but gets 403 on a sync; a
    /// token file rotated on disk works without a restart and its old token stops; the audit,
    /// kept in PostgreSQL, names who synced with `allow_empty=true` from where; failed attempts
    /// are counted and their answers slowed down.
    @Suite("Admin tokens and audit against a worker", .timeLimit(.minutes(5)))
    struct AdminTokensIntegrationTests {
        @Test("read token, token rotation without a restart, the audit of who changed what, failed attempts")
        func tokensAndAudit() async throws {
            let unique = UUID().uuidString
            let (old, new, read) = ("OLD-\(unique)", "NEW-\(unique)", "READ-\(unique)")
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("echo.yaml", "id: echo\naction: {type: echo}\n")
            let secrets = try TemporaryFolder()
            try secrets.write("admin-tokens", "# operators\nops-old:\(old)\n")
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path,
                extra: [
                    "ACTIVITY_ADMIN_TOKEN_FILE": secrets.path + "/admin-tokens", "ACTIVITY_READ_TOKEN": read,
                    "LOG_FORMAT": "text",
                ])
            let worker = try await WorkerUnderTest.start(environment: environment, token: "ENV-\(unique)")
            defer { worker.process.terminate() }

            // A read token reads, and nothing else.
            #expect(try await worker.call(.GET, "/admin/runs", token: read).status == 200)
            #expect(try await worker.call(.GET, "/admin/definitions", token: read).status == 200)
            let refused = try await worker.call(.POST, "/admin/sync", token: read)
            #expect(refused.status == 403 && refused.text.contains("may only read"), "\(refused.text)")
            #expect(try await worker.call(.GET, "/admin/audit", token: read).status == 403)

            // A token from the file, then the file rotated on disk: no restart.
            #expect(try await worker.call(.POST, "/admin/sync?allow_empty=true", token: old).status == 200)
            try secrets.write("admin-tokens", "ops-new:\(new)\n")
            #expect(try await worker.call(.POST, "/admin/sync", token: new).status == 200)
            #expect(try await worker.call(.POST, "/admin/sync", token: old).status == 401)
            let triggered = try await worker.call(.POST, "/admin/definitions/echo/trigger", token: new)
            #expect(triggered.status == 200)
            let workflowID = triggered.json["workflow_id"] as? String

            // The audit: newest first, the token's name, the client, the parameters, the outcome.
            let audit = try await worker.call(.GET, "/admin/audit?limit=10")
            #expect(audit.status == 200)
            let entries = audit.list
            #expect(entries.map { $0["token_name"] as? String } == ["ops-new", "ops-new", "ops-old"], "\(audit.text)")
            let emptied = try #require(entries.last)
            #expect((emptied["parameters"] as? [String: String])?["allow_empty"] == "true", "\(emptied)")
            #expect(emptied["client"] as? String == "127.0.0.1")
            #expect(emptied["method"] as? String == "POST" && emptied["path"] as? String == "/admin/sync")
            #expect(emptied["status"] as? Int == 200)
            #expect((emptied["outcome"] as? [String: Any])?["ok"] as? Bool == true, "\(emptied)")
            #expect((entries.first?["outcome"] as? [String: Any])?["workflow_id"] as? String == workflowID)
            #expect(!audit.text.contains(old) && !audit.text.contains(new), "the audit holds a token")
            // One structured log line each.
            #expect(worker.logText.contains("admin audit"), "\(worker.logText.suffix(2_000))")
            #expect(worker.logText.contains("audit.token=ops-old"))

            // Failed attempts: counted, and from the fifth on within a minute answered later.
            var answered: [Duration] = []
            for _ in 0..<6 {
                let start = ContinuousClock.now
                #expect(try await worker.call(.GET, "/admin/runs", token: "wrong-\(unique)").status == 401)
                answered.append(ContinuousClock.now - start)
            }
            print("six failed attempts in a row from one address answered after \(answered)")
            let last = answered.last ?? .zero
            #expect(last >= .milliseconds(900), "the seventh failure from one address was answered after \(last)")
            let start = ContinuousClock.now
            #expect(try await worker.call(.GET, "/admin/runs").status == 200)
            #expect(ContinuousClock.now - start < .seconds(5), "a valid token is never held back")
            #expect(try await worker.metric(#"activity_admin_auth_failures_total{reason="wrong"}"#) == 7)
            #expect(try await worker.metric(#"activity_admin_auth_failures_total{reason="read_only"}"#) == 1)
            #expect(try await worker.stop() == 0)

            // Kept in PostgreSQL: another worker on the schema shows the same audit.
            let next = try await WorkerUnderTest.start(environment: environment, token: "ENV-\(unique)")
            defer { next.process.terminate() }
            let kept = try await next.call(.GET, "/admin/audit").list
            #expect(kept.map { $0["token_name"] as? String } == ["ops-new", "ops-new", "ops-old"])
            #expect(try await next.stop() == 0)
        }
    }
}
