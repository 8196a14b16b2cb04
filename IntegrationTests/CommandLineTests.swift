import Definitions
import Foundation
import Postgres
import Schedules
import Temporal
import Testing

/// The `activity-core` executable's commands and exit codes (CONTRACT sections 1 and 2).
@Suite("activity-core commands")
struct CommandLineTests {
    static var examples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "examples"
        ).path
    }

    @Test("validate accepts the examples")
    func validateExamples() async throws {
        let outcome = try await ActivityCoreProcess.run(
            ["validate", Self.examples], environment: ProcessInfo.processInfo.environment)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("valid"))
    }

    @Test("validate prints one located line per problem in 50 broken files and exits 1")
    func validateFiftyBroken() async throws {
        let folder = try TemporaryFolder()
        for index in 0..<50 {
            try folder.write(
                "broken-\(index).yaml",
                "id: broken-\(index)\ntrigger:\n  type: cron\n  cron_expression: \"\(index % 2 == 0 ? "0 24 * * *" : "61 * * * *")\"\n"
            )
        }
        let outcome = try await ActivityCoreProcess.run(
            ["validate", folder.path], environment: ProcessInfo.processInfo.environment)
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 50)
        #expect(lines.allSatisfy { $0.contains(".yaml:4:20: invalid cron expression") })
    }

    @Test("a bad environment value exits 2 with one line naming the variable, never the secret")
    func badEnvironment() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = "mysql://user:hunter2@db/x"
        let outcome = try await ActivityCoreProcess.run(["sync", "--definitions"], environment: environment)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("DATABASE_URL"))
        #expect(!outcome.stderr.contains("hunter2"))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test("the worker with a bad NATS_URL exits 2 naming it, never the secret, and does not crash")
    func workerBadNATSURL() async throws {
        for url in ["ftp://router:hunter2@nats.example:4443", "http://router:hunter2@nats.example"] {
            var environment = ProcessInfo.processInfo.environment
            environment["NATS_URL"] = url
            let outcome = try await ActivityCoreProcess.run(["worker"], environment: environment)
            #expect(outcome.status == 2, "\(url): \(outcome.stderr)")
            #expect(outcome.stderr.contains("NATS_URL"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("hunter2"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("Fatal error"), "\(outcome.stderr)")
        }
    }

    @Test("the worker checks stream, consumer, subjects and namespace at startup: exit 2 naming the variable")
    func workerBadEventSettings() async throws {
        let cases = [
            ("ACTIVITY_EVENT_STREAM", "ACTIVITY.EVENTS"), ("ACTIVITY_EVENT_CONSUMER", "router>"),
            ("ACTIVITY_EVENT_SUBJECTS", "activity..x"), ("TEMPORAL_NAMESPACE", "my namespace"),
            ("ACTIVITY_EVENT_MAX_DELIVER", "0"),
        ]
        for (variable, value) in cases {
            var environment = ProcessInfo.processInfo.environment
            environment[variable] = value
            let outcome = try await ActivityCoreProcess.run(["worker"], environment: environment, timeout: .seconds(30))
            #expect(outcome.status == 2, "\(variable)=\(value): \(outcome.stderr)")
            #expect(outcome.stderr.contains("invalid \(variable)"), "\(outcome.stderr)")
        }
    }

    @Test("an unknown flag is a usage error: exit 2")
    func usage() async throws {
        let outcome = try await ActivityCoreProcess.run(
            ["sync", "--everything"], environment: ProcessInfo.processInfo.environment)
        #expect(outcome.status == 2)
    }

    @Test("sync cannot connect: exit 2")
    func cannotConnect() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = "postgres://activity:activity@127.0.0.1:1/activity_core"
        let outcome = try await ActivityCoreProcess.run(["sync", "--definitions"], environment: environment)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("127.0.0.1:1"))
    }

    @Test("migrate, then sync --definitions --json, then a broken file makes sync exit 1")
    func syncCommand() async throws {
        let schema = TestDatabase.newSchemaName()
        let folder = try TemporaryFolder()
        try folder.write("a.yaml", "id: alpha\ntrigger: {type: cron, cron_expression: \"@hourly\"}\n")
        let environment = ActivityCoreProcess.environment(
            schema: schema, extra: ["ACTIVITY_DEFINITION_DIRS": folder.path])
        defer { Self.dropSchema(schema) }

        let dry = try await ActivityCoreProcess.run(["sync", "--definitions", "--dry-run"], environment: environment)
        #expect(dry.status == 1, "a dry run never migrates: an unmigrated database is an error")
        #expect(dry.stderr.contains("activity-core migrate"))
        #expect(dry.stderr.contains("(notMigrated)"), "the error's stable code: \(dry.stderr)")

        let migrate = try await ActivityCoreProcess.run(["migrate"], environment: environment)
        #expect(migrate.status == 0, "\(migrate.stderr)")

        let first = try await ActivityCoreProcess.run(["sync", "--definitions", "--json"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        let json = try JSONValue.parse(Data(first.stdout.utf8))
        #expect(json["ok"] == .bool(true))
        #expect(json["definitions"]?["upserted"] == .integer(1))
        #expect(json["schedules"] == .null)
        #expect(
            json["changes"]
                == .array([
                    .object(["stage": .string("definitions"), "item": .string("alpha"), "action": .string("create")])
                ]))

        let repeatRun = try await ActivityCoreProcess.run(
            ["sync", "--definitions", "--json"], environment: environment)
        #expect(try JSONValue.parse(Data(repeatRun.stdout.utf8))["definitions"]?["unchanged"] == .integer(1))

        try folder.write("a.yaml", "id: alpha\ntrigger: {type: cron, cron_expression: \"@hourly\", colour: red}\n")
        let broken = try await ActivityCoreProcess.run(["sync", "--definitions"], environment: environment)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("a.yaml:2:"))
        #expect(broken.stdout.contains("unknown key 'trigger.colour'"))
    }

    @Test("the worker migrates, syncs the examples at startup and stops with exit 0 on SIGTERM")
    func workerBootsAndStops() async throws {
        let schema = TestDatabase.newSchemaName()
        defer { Self.dropSchema(schema) }
        let prefix = TestTemporal.newPrefix()
        let environment = ActivityCoreProcess.environment(
            schema: schema,
            extra: [
                "ACTIVITY_DEFINITION_DIRS": Self.examples + "/coulomb", "LOG_LEVEL": "info",
                "ACTIVITY_SCHEDULE_PREFIX": prefix, "TEMPORAL_ADDRESS": TestTemporal.address,
            ]
        )
        try await Self.deletingSchedules(prefix: prefix) { try await Self.bootAndStop(environment: environment) }
    }

    static func bootAndStop(environment: [String: String]) async throws {
        let (process, _, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
        defer { try? FileManager.default.removeItem(at: err) }
        let log = try await ActivityCoreProcess.waitForLog("worker running", in: err, of: process)
        #expect(log.contains("worker running"), "\(log)")
        #expect(log.contains("synced=4"), "\(log)")
        #expect(log.contains("sync.schedules=created=2"), "\(log)")
        try await ActivityCoreProcess.terminate(process)
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    @Test("plan: unmigrated is an error, pending changes exit 3, after sync --all nothing to do")
    func plan() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        defer { Self.dropSchema(schema) }
        try await Self.deletingSchedules(prefix: prefix) { try await Self.plan(schema: schema, prefix: prefix) }
    }

    static func plan(schema: String, prefix: String) async throws {
        let environment = ActivityCoreProcess.environment(
            schema: schema,
            extra: [
                "ACTIVITY_DEFINITION_DIRS": Self.examples + "/coulomb", "ACTIVITY_SCHEDULE_PREFIX": prefix,
                "TEMPORAL_ADDRESS": TestTemporal.address,
            ]
        )
        let unmigrated = try await ActivityCoreProcess.run(["plan"], environment: environment)
        #expect(unmigrated.status == 1)
        #expect(unmigrated.stderr.contains("activity-core migrate"))

        #expect(try await ActivityCoreProcess.run(["migrate"], environment: environment).status == 0)
        let pending = try await ActivityCoreProcess.run(["plan"], environment: environment)
        #expect(pending.status == 3, "\(pending.stdout)\(pending.stderr)")
        #expect(pending.stdout.contains("+ create \(prefix)coulomb-daily-digest"))
        #expect(pending.stdout.contains("+ create definitions coulomb-push-review"))
        #expect(pending.stdout.contains("+ create event_types repo.push"))

        let sync = try await ActivityCoreProcess.run(["sync", "--all", "--json"], environment: environment)
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        #expect(try JSONValue.parse(Data(sync.stdout.utf8))["schedules"]?["created"] == .integer(2))

        // The schedule list is eventually consistent; plan again until it shows both.
        var settled = try await ActivityCoreProcess.run(["plan"], environment: environment)
        for _ in 0..<50 where settled.status == 3 {
            try await Task.sleep(for: .milliseconds(200))
            settled = try await ActivityCoreProcess.run(["plan"], environment: environment)
        }
        #expect(settled.status == 0, "\(settled.stdout)\(settled.stderr)")
        #expect(settled.stdout.contains("= unchanged \(prefix)coulomb-daily-digest"))
    }

    /// Runs `body`, then deletes the schedules with `prefix`, whatever happened.
    static func deletingSchedules(prefix: String, _ body: () async throws -> Void) async throws {
        var failure: (any Error)?
        do { try await body() } catch { failure = error }
        _ = try? await TestTemporal.withClient { client in
            await TestTemporal.deleteAll(
                prefix: prefix, service: TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout))
        }
        if let failure { throw failure }
    }

    static func dropSchema(_ schema: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", TestDatabase.urlText, "-q", "-c", "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Not waited for here: a blocked cooperative thread stalls the other tests.
        guard (try? process.run()) != nil else { return }
        ActivityCoreProcess.reapInBackground(process)
    }
}
