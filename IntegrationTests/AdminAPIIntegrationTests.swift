import Definitions
import Foundation
import NATS
import NIOCore
import Schedules
import Temporal
import Testing

/// The whole worker through its HTTP API against the real services: the reload paths an
/// operator uses, without restarting the process.
@Suite("Admin API through a running worker")
struct AdminAPIIntegrationTests {
    static let hourly = """
        id: coulomb-hourly-coach-orientation
        trigger: {type: cron, cron_expression: "0 * * * *"}
        action: {type: echo}

        """
    static let daily = """
        id: coulomb-daily-coach-orientation
        trigger: {type: cron, cron_expression: "0 6 * * *", timezone: Europe/Berlin}
        action: {type: echo}

        """

    static func schedules(_ answer: WorkerUnderTest.Answer) -> [String: Int] {
        (answer.json["schedules"] as? [String: Any])?.compactMapValues { $0 as? Int } ?? [:]
    }

    static func definitions(_ answer: WorkerUnderTest.Answer) -> [String: Int] {
        (answer.json["definitions"] as? [String: Any])?.compactMapValues { $0 as? Int } ?? [:]
    }

    @Test("rename, enabled flip, repeat, broken file and dry run through POST /admin/sync, same process")
    func reloadWithoutRestart() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        try folder.write("activity-definitions/coach.yaml", Self.hourly)
        try folder.write(
            "activity-definitions/on-push.yaml",
            "id: on-push\ntrigger: {type: event, event_type: repo.push}\naction: {type: echo}\n")
        try folder.write("event-types/push.yaml", "type: event-type\nid: repo.push\n")
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix, extra: ["LOG_FORMAT": "json"])
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token-\(schema)")
        let pid = worker.process.processIdentifier
        defer { worker.process.terminate() }
        try await TestTemporal.withClient { client in
            let temporal = TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout)
            let hourlyID = prefix + "coulomb-hourly-coach-orientation"
            let dailyID = prefix + "coulomb-daily-coach-orientation"
            // The startup sync created the hourly schedule.
            #expect(try await temporal.describe(hourlyID) != nil, "\(worker.logText)")
            let listed = try await worker.call(.GET, "/admin/definitions")
            #expect(listed.status == 200)
            let coach = listed.list.first { $0["id"] as? String == "coulomb-hourly-coach-orientation" }
            #expect(coach?["state"] as? String == "active")
            #expect(coach?["next_run"] is String)
            #expect(coach?["missed_catchup_window"] as? Int == 0)
            #expect(listed.list.first { $0["id"] as? String == "on-push" }?["state"] == nil)

            // A dry run of the rename reports it and writes nothing.
            try folder.write("activity-definitions/coach.yaml", Self.daily)
            let dry = try await worker.call(.POST, "/admin/sync?dry_run=true")
            #expect(dry.status == 200, "\(dry.text)")
            #expect(dry.json["dry_run"] as? Bool == true)
            #expect(Self.schedules(dry)["created"] == 1 && Self.schedules(dry)["deleted_orphans"] == 1)
            #expect(try await temporal.describe(dailyID) == nil)
            #expect(try await temporal.describe(hourlyID) != nil)

            // The rename, for real: daily appears, hourly is deleted, same process.
            let renamed = try await worker.call(.POST, "/admin/sync")
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["ok"] as? Bool == true)
            #expect(
                Self.definitions(renamed)["upserted"] == 1 && Self.definitions(renamed)["retired"] == 1,
                "\(renamed.text)")
            #expect(
                Self.schedules(renamed)["created"] == 1 && Self.schedules(renamed)["deleted_orphans"] == 1,
                "\(renamed.text)")
            #expect(renamed.json["event_types"] is NSNull)
            let daily = try await temporal.describe(dailyID)
            #expect(daily?.schedule.spec.timezoneName == "Europe/Berlin")
            #expect(daily?.schedule.state.paused == false)
            #expect(try await temporal.describe(hourlyID) == nil, "\(renamed.text)\n\(worker.logText)")

            // A repeat changes nothing: no writes anywhere.
            let repeated = try await worker.call(.POST, "/admin/sync?event_types=true")
            #expect(repeated.status == 200)
            #expect((repeated.json["changes"] as? [Any])?.isEmpty == true, "\(repeated.text)")
            #expect(Self.definitions(repeated)["upserted"] == 0 && Self.definitions(repeated)["unchanged"] == 2)
            #expect(
                Self.schedules(repeated).filter { $0.key != "unchanged" }.values.allSatisfy { $0 == 0 },
                "\(repeated.text)")
            #expect(Self.schedules(repeated)["unchanged"] == 1)

            // enabled: false pauses the schedule; true again unpauses it.
            try folder.write(
                "activity-definitions/coach.yaml",
                Self.daily.replacingOccurrences(of: "id:", with: "enabled: false\nid:"))
            let disabled = try await worker.call(.POST, "/admin/sync")
            #expect(Self.schedules(disabled)["paused"] == 1, "\(disabled.text)")
            #expect(try await temporal.describe(dailyID)?.schedule.state.paused == true)
            try folder.write("activity-definitions/coach.yaml", Self.daily)
            let enabled = try await worker.call(.POST, "/admin/sync")
            #expect(Self.schedules(enabled)["unpaused"] == 1, "\(enabled.text)")
            #expect(try await temporal.describe(dailyID)?.schedule.state.paused == false)

            // A broken file: 200 with ok false naming the file; the stored state stays.
            try folder.write("activity-definitions/coach.yaml", "id: coulomb-daily-coach-orientation\ntrigger: [\n")
            let broken = try await worker.call(.POST, "/admin/sync")
            #expect(broken.status == 200)
            #expect(broken.json["ok"] as? Bool == false)
            let errors = broken.json["errors"] as? [[String: Any]] ?? []
            #expect(errors.contains { ($0["message"] as? String)?.contains("coach.yaml") == true }, "\(broken.text)")
            #expect(Self.definitions(broken)["retired"] == 0)
            #expect(try await temporal.describe(dailyID)?.schedule.state.paused == false)
            let status = try await worker.call(.GET, "/admin/sync/status")
            #expect(status.json["last_error"] is String)
            #expect(status.json["last_success_at"] is String)
            #expect((status.json["last_result"] as? [String: Any])?["ok"] as? Bool == false)
            try folder.write("activity-definitions/coach.yaml", Self.daily)

            // The event-triggered definition stayed live: an event runs it.
            let nats = try await NATSClientIntegrationTests.connect()
            try await nats.publish(
                "it.\(schema).push", payload: ByteBuffer(string: #"{"id":"e-\#(schema)","type":"repo.push"}"#))
            try await nats.flush()
            await nats.close()
            var runs: [[String: Any]] = []
            for _ in 0..<300 where runs.isEmpty {
                runs = try await worker.call(.GET, "/admin/runs?activity_id=on-push").list
                    .filter { $0["status"] as? String == "succeeded" }
                if runs.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(runs.first?["trigger"] as? String == "event", "\(worker.logText)")

            // Manual trigger, an unknown id, metrics, readiness, auth.
            let triggered = try await worker.call(.POST, "/admin/definitions/coulomb-daily-coach-orientation/trigger")
            #expect(triggered.status == 200)
            #expect((triggered.json["workflow_id"] as? String)?.hasPrefix("activity-coulomb-daily") == true)
            #expect(try await worker.call(.POST, "/admin/definitions/nope/trigger").status == 404)
            #expect(try await worker.call(.POST, "/admin/sync", token: "wrong").status == 401)
            let ready = try await worker.call(.GET, "/readyz")
            #expect(ready.status == 200, "\(ready.text)")
            let metrics = try await worker.call(.GET, "/metrics").text
            for name in [
                #"activity_sync_runs_total{result="ok"}"#, #"activity_sync_runs_total{result="error"}"#,
                "activity_sync_duration_seconds", "activity_sync_last_success_timestamp_seconds",
                #"activity_schedule_changes_total{action="create"}"#, "activity_events_received_total",
                "activity_events_routed_total", #"activity_runs_total{result="succeeded"}"#,
                "activity_schedule_missed_fires",
            ] {
                #expect(metrics.contains(name), "\(name) in \(metrics)")
            }
            // JSON logs: one object per line, no secret in any of them.
            let lines = worker.logText.split(separator: "\n")
            #expect(lines.count > 10)
            #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] })
            #expect(!worker.logText.contains(worker.token))
            #expect(!worker.logText.contains(TestDatabase.urlText))
            #expect(worker.logText.contains("sync finished"))
            #expect(worker.process.processIdentifier == pid && worker.process.isRunning)
            await TestTemporal.deleteAll(prefix: prefix, service: temporal)
        }
        #expect(try await worker.stop() == 0)
    }

    @Test("one sync at a time: two calls on one worker and on two workers answer 200 and 409")
    func oneSyncAtATime() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        func writeDefinitions(minute: Int) throws {
            let documents = (0..<120).map { n in
                "id: load-\(n)\ntrigger: {type: cron, cron_expression: \"\(minute) \(n % 24) * * *\"}\naction: {type: echo}"
            }
            try folder.write("activity-definitions/load.yaml", documents.joined(separator: "\n---\n") + "\n")
        }
        try writeDefinitions(minute: 1)
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix)
        let first = try await WorkerUnderTest.start(environment: environment, token: "tok-\(schema)")
        defer { first.process.terminate() }
        let second = try await WorkerUnderTest.start(environment: environment, token: "tok-\(schema)")
        defer { second.process.terminate() }

        // Each round changes every schedule, so a sync takes a while (describe, update, verify).
        func race(_ a: WorkerUnderTest, _ b: WorkerUnderTest, minute: Int) async throws -> [Int] {
            try writeDefinitions(minute: minute)
            async let one = a.call(.POST, "/admin/sync")
            async let two = b.call(.POST, "/admin/sync")
            return try await [one, two].map(\.status).sorted()
        }
        #expect(try await race(first, first, minute: 2) == [200, 409])
        #expect(try await race(first, second, minute: 3) == [200, 409])
        // The 409 left nothing half done: a repeat sync finds the last round fully applied.
        let repeated = try await second.call(.POST, "/admin/sync")
        #expect(repeated.status == 200)
        #expect(Self.schedules(repeated)["unchanged"] == 120, "\(repeated.text)")
        let metrics = try await first.call(.GET, "/metrics").text + (try await second.call(.GET, "/metrics").text)
        #expect(metrics.contains(#"activity_sync_runs_total{result="busy"}"#))
        #expect(try await first.stop() == 0)
        #expect(try await second.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: prefix)
    }

    @Test("the background loop picks up a new definition on its own, and reports in status")
    func backgroundLoop() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        try folder.write("activity-definitions/coach.yaml", Self.hourly)
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix, extra: ["ACTIVITY_SYNC_INTERVAL_SECONDS": "10"])
        let worker = try await WorkerUnderTest.start(environment: environment, token: "tok-\(schema)")
        defer { worker.process.terminate() }
        let before = try await worker.call(.GET, "/admin/sync/status").json
        #expect(before["interval_seconds"] as? Int == 10)
        try folder.write("activity-definitions/daily.yaml", Self.daily)
        try await TestTemporal.withClient { client in
            let temporal = TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout)
            var found = false
            // The loop's 10 s, then a sync whose schedule create waits its turn on a dev server
            // a full test run keeps busy (a sync once took over 25 s there).
            let deadline = ContinuousClock.now + .seconds(60)
            while !found && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                do {
                    found = try await temporal.describe(prefix + "coulomb-daily-coach-orientation") != nil
                } catch let error as ScheduleServiceError where error.code == .unavailable {
                    // A just-created schedule can answer "consistent query buffer is full"
                    // (RESOURCE_EXHAUSTED) on a loaded dev server: not there yet, ask again.
                    continue
                }
            }
            #expect(found, "\(worker.logText)")
            await TestTemporal.deleteAll(prefix: prefix, service: temporal)
        }
        let after = try await worker.call(.GET, "/admin/sync/status").json
        #expect(after["last_started_at"] as? String != before["last_started_at"] as? String)
        #expect(after["last_success_at"] is String)
        #expect(after["last_error"] is NSNull)
        #expect(try await worker.stop() == 0)
    }
}
