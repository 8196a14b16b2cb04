import Definitions
import Foundation
import Postgres
import PostgresNIO
import Schedules
import Testing

/// Issue 11 through a running worker: its listing answers from PostgreSQL while Temporal is
/// down, and rows an older version stored can neither stop syncs nor kill the process.
@Suite("Worker safety against the real services", .timeLimit(.minutes(5)))
struct WorkerSafetyIntegrationTests {
    static var temporalPort: Int {
        Int(TestTemporal.address.split(separator: ":").last ?? "7233") ?? 7233
    }

    @Test("GET /admin/definitions answers 200 from PostgreSQL with state unknown while Temporal is stopped")
    func listingWithoutTemporal() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        try folder.write("digest.yaml", HostileFiles.cron("digest"))
        try folder.write("manual.yaml", "id: manual\naction: {type: echo}\n")
        defer { CommandLineTests.dropSchema(schema) }
        // Temporal as this worker sees it: a relay this test can stop.
        let temporal = try await TLSProxy(plainTo: Self.temporalPort)
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix,
            extra: ["TEMPORAL_ADDRESS": temporal.address])
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
        defer { worker.process.terminate() }
        // The schedule exists through the relay (a sync of our own too, in case the startup
        // sync met the relay's first connection slowly on a loaded machine).
        let first = try await worker.call(.POST, "/admin/sync")
        #expect(first.status == 200, "\(first.text)")
        var state: String?
        for _ in 0..<50 {
            let before = try await worker.call(.GET, "/admin/definitions")
            state = before.list.first { $0["id"] as? String == "digest" }?["state"] as? String
            if state == "active" { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(state == "active", "\(first.text)\n\(worker.logText.suffix(3_000))")

        await temporal.close()
        let listed = try await worker.call(.GET, "/admin/definitions")
        #expect(listed.status == 200, "\(listed.text)")
        let digest = listed.list.first { $0["id"] as? String == "digest" }
        #expect(digest?["state"] as? String == "unknown", "\(listed.text)")
        #expect((digest?["error"] as? String)?.isEmpty == false, "\(listed.text)")
        #expect(listed.list.first { $0["id"] as? String == "manual" }?["state"] == nil)

        // A sync still answers, with the schedules stage's error, and frees the lock.
        try folder.write("digest.yaml", HostileFiles.cron("digest", "0 6 * * *"))
        let sync = try await worker.call(.POST, "/admin/sync")
        #expect(sync.status == 200, "\(sync.text)")
        #expect(sync.json["ok"] as? Bool == false)
        #expect((sync.json["definitions"] as? [String: Any])?["upserted"] as? Int == 1, "\(sync.text)")
        let errors = sync.json["errors"] as? [[String: Any]] ?? []
        #expect(errors.contains { $0["stage"] as? String == "schedules" }, "\(sync.text)")
        let status = try await worker.call(.GET, "/admin/sync/status")
        #expect(status.json["running"] as? Bool == false)
        #expect(try await worker.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: prefix)
    }

    @Test(
        "rows an older version stored: one unreadable keeps its schedule, one out of range fails its run, not the worker"
    )
    func storedRowsOfAnOlderVersion() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        try folder.write("keep.yaml", HostileFiles.cron("keep"))
        try folder.write("other.yaml", HostileFiles.cron("other"))
        try folder.write("huge.yaml", "id: huge\naction: {type: echo}\n")
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix)
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
        defer { worker.process.terminate() }
        #expect(try await TestTemporal.scheduleExists(prefix + "keep"), "\(worker.logText)")

        // What an older version (or a hand edit) left: a spec this one cannot read, and a retry
        // interval no Temporal duration can hold.
        try await TestDatabase.withExistingSchema(schema) { database in
            let table = database.table("activity_definitions")
            try await database.client.query(
                PostgresQuery(unsafeSQL: "UPDATE \(table) SET spec = '{\"bogus\": true}' WHERE id = 'keep'"),
                logger: TestDatabase.logger)
            try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        UPDATE \(table) SET spec = jsonb_set(spec, '{action}',
                            '{"type": "echo", "method": "POST", "headers": {}, "timeout_seconds": 300,
                              "retry": {"max_attempts": 3, "initial_interval_seconds": 1, "backoff": 2,
                                        "max_interval_seconds": 1e23}}')
                        WHERE id = 'huge'
                        """), logger: TestDatabase.logger)
        }

        // The run of the out-of-range definition fails, named by the key; the worker lives on.
        let triggeredAt = ContinuousClock.now
        let triggered = try await worker.call(.POST, "/admin/definitions/huge/trigger")
        #expect(triggered.status == 200, "\(triggered.text)")
        var run: [String: Any]?
        for _ in 0..<150 {
            let runs = try await worker.call(.GET, "/admin/runs?activity_id=huge")
            run = runs.list.first { $0["status"] as? String == "failed" }
            if run != nil { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        print("trigger -> out-of-range run recorded failed: \(ContinuousClock.now - triggeredAt)")
        if run == nil {
            // What the run went through, for the failure's message.
            let runs = try await worker.call(.GET, "/admin/runs?activity_id=huge")
            let timeline = await TestTemporal.timeline(triggered.json["workflow_id"] as? String ?? "")
            Issue.record("no failed run: \(runs.text)\n\(timeline)\n\(worker.logText.suffix(4_000))")
        }
        #expect((run?["error"] as? String)?.contains("action.retry.max_interval_seconds") == true, "\(run ?? [:])")
        #expect(worker.process.isRunning, "\(worker.logText.suffix(2_000))")

        // The unreadable row: the file is gone, yet nothing is retired or deleted for it.
        try folder.remove("keep.yaml")
        let sync = try await worker.call(.POST, "/admin/sync")
        #expect(sync.status == 200, "\(sync.text)")
        #expect(sync.json["ok"] as? Bool == false)
        let errors = sync.json["errors"] as? [[String: Any]] ?? []
        #expect(
            errors.contains { ($0["message"] as? String)?.contains("keep cannot be read (column spec") == true },
            "\(sync.text)")
        #expect((sync.json["schedules"] as? [String: Any])?["deleted_orphans"] as? Int == 0, "\(sync.text)")
        #expect(try await TestTemporal.scheduleExists(prefix + "keep"))
        let listed = try await worker.call(.GET, "/admin/definitions")
        #expect(listed.status == 200)
        #expect(listed.list.first { $0["id"] as? String == "keep" }?["error"] is String, "\(listed.text)")

        // The file comes back: the row is replaced, and the sync is clean again.
        try folder.write("keep.yaml", HostileFiles.cron("keep"))
        let repaired = try await worker.call(.POST, "/admin/sync")
        #expect(repaired.json["ok"] as? Bool == true, "\(repaired.text)")
        #expect(try await worker.call(.GET, "/healthz").status == 200)
        #expect(try await worker.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: prefix)
    }
}
