import Definitions
import Foundation
import Logging
import Postgres
import PostgresNIO
import Schedules
import Sync
import Temporal
import Testing

/// Issue 11 against PostgreSQL and Temporal, through the `activity-core` executable: no input
/// deletes what the operator meant to keep, and none blocks the rest.
@Suite("Sync safety through the executable", .timeLimit(.minutes(5)))
struct SyncSafetyIntegrationTests {
    /// A schema, a schedule prefix and a definitions folder of one test, and the CLI over them.
    final class Setup: Sendable {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let files: TemporaryFolder

        init() throws {
            self.files = try TemporaryFolder()
        }

        var root: String { self.files.path }

        func write(_ relative: String, _ text: String) throws {
            try self.files.write(relative, text)
        }

        func remove(_ relative: String) throws {
            try self.files.remove(relative)
        }

        func environment(root: String? = nil, extra: [String: String] = [:]) -> [String: String] {
            // One task queue for every run of this setup: it is part of each schedule's action.
            let settings = ["ACTIVITY_TASK_QUEUE": "it-tq-\(self.schema)"].merging(extra) { _, new in new }
            return ActivityCoreProcess.workerEnvironment(
                schema: self.schema, definitions: root ?? self.root, prefix: self.prefix, extra: settings)
        }

        /// Runs the command; a hang is killed after 90 s and shows as a wrong exit status.
        func run(_ arguments: [String], root: String? = nil, extra: [String: String] = [:]) async throws
            -> ActivityCoreProcess.Outcome
        {
            try await ActivityCoreProcess.run(
                arguments, environment: self.environment(root: root, extra: extra), timeout: .seconds(90))
        }

        /// `sync --json ...` and its report.
        func sync(_ flags: [String] = [], root: String? = nil, extra: [String: String] = [:]) async throws -> (
            status: Int32, report: JSONValue, output: String
        ) {
            let outcome = try await self.run(["sync", "--json"] + flags, root: root, extra: extra)
            let report = (try? JSONValue.parse(Data(outcome.stdout.utf8))) ?? .null
            return (outcome.status, report, outcome.stdout + outcome.stderr)
        }

        func scheduleExists(_ id: String) async throws -> Bool {
            try await TestTemporal.scheduleExists(self.prefix + id)
        }

        /// Drops the schema and deletes the schedules (the folder goes with the setup).
        func cleanUp() async {
            CommandLineTests.dropSchema(self.schema)
            await TestTemporal.deleteAllSchedules(prefix: self.prefix)
        }
    }

    /// Runs `body` with a migrated setup, cleaning up whatever happens.
    static func with(_ body: (Setup) async throws -> Void) async throws {
        let setup = try Setup()
        var failure: (any Error)?
        do {
            let migrate = try await setup.run(["migrate"])
            try #require(migrate.status == 0, "\(migrate.stderr)")
            try await body(setup)
        } catch {
            failure = error
        }
        await setup.cleanUp()
        if let failure { throw failure }
    }

    static func items(_ report: JSONValue, _ key: String = "errors") -> [String] {
        guard case .array(let entries) = report[key] ?? .null else { return [] }
        return entries.compactMap { $0["item"]?.stringValue }
    }

    static func messages(_ report: JSONValue, _ key: String = "errors") -> [String] {
        guard case .array(let entries) = report[key] ?? .null else { return [] }
        return entries.compactMap { $0.stringValue ?? $0["message"]?.stringValue }
    }

    static func count(_ report: JSONValue, _ stage: String, _ key: String) -> Int64? {
        guard case .integer(let value) = report[stage]?[key] ?? .null else { return nil }
        return value
    }

    @Test(
        "hostile files fail only themselves: a new definition in the same sync is created; CRLF and CR markdown keep their schedules"
    )
    func hostileFilesFailAlone() async throws {
        try await Self.with { setup in
            try setup.write("crlf.md", HostileFiles.markdown("crlf-digest", newline: "\r\n"))
            try setup.write("cr.md", HostileFiles.markdown("cr-digest", newline: "\r"))
            try setup.write("base.yaml", HostileFiles.cron("base"))
            let first = try await setup.sync()
            #expect(first.status == 0, "\(first.output)")
            #expect(Self.count(first.report, "definitions", "upserted") == 3)
            #expect(Self.count(first.report, "schedules", "created") == 3)

            let hostile = HostileFiles.failing
            for (name, text) in hostile { try setup.write(name, text) }
            try setup.write("fresh.yaml", HostileFiles.cron("fresh"))
            let second = try await setup.sync()
            #expect(second.status == 1, "\(second.output.prefix(2_000))")
            #expect(second.report["ok"] == .bool(false))
            #expect(Self.count(second.report, "definitions", "upserted") == 1)
            #expect(Self.count(second.report, "definitions", "retired") == 0)
            #expect(Self.count(second.report, "definitions", "invalid") == Int64(hostile.count))
            #expect(Self.count(second.report, "schedules", "created") == 1)
            #expect(Self.count(second.report, "schedules", "unchanged") == 3)
            #expect(Self.count(second.report, "schedules", "deleted_orphans") == 0)
            let failed = Set(Self.items(second.report).map { URL(fileURLWithPath: $0).lastPathComponent })
            #expect(failed == Set(hostile.keys))
            // Each message is located: path:line:column.
            for message in Self.messages(second.report) {
                #expect(message.range(of: #"\.yaml:\d+:\d+: "#, options: .regularExpression) != nil, "\(message)")
            }
            for id in ["crlf-digest", "cr-digest", "base", "fresh"] {
                #expect(try await setup.scheduleExists(id), "\(id)")
            }
            for id in ["bomb", "big", "deep", "nul", "strings"] {
                #expect(try await !setup.scheduleExists(id), "\(id)")
            }

            // The hostile files go; the CRLF file is saved with LF: nothing changes anywhere.
            for name in hostile.keys { try setup.remove(name) }
            try setup.write("crlf.md", HostileFiles.markdown("crlf-digest", newline: "\n"))
            let third = try await setup.sync()
            #expect(third.status == 0, "\(third.output)")
            #expect(third.report["changes"] == .array([]), "\(third.output)")
        }
    }

    @Test("validate answers on each hostile file at once: exit 1, one located line each")
    func validateHostile() async throws {
        let folder = try TemporaryFolder()
        let files = HostileFiles.failing
        for (name, text) in files { try folder.write(name, text) }
        let outcome = try await ActivityCoreProcess.run(
            ["validate", folder.path], environment: ProcessInfo.processInfo.environment, timeout: .seconds(30))
        #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == files.count, "\(outcome.stdout)")
        #expect(lines.contains { $0.contains("huge.yaml:5:27: 'action.retry.max_interval_seconds' must be from") })
        #expect(lines.contains { $0.contains("bomb.yaml:7:") && $0.contains("100000 YAML nodes") })
        #expect(lines.contains { $0.contains("deep.yaml:2:") && $0.contains("deeper than 64") })
        #expect(lines.contains { $0.contains("nul.yaml:7:") && $0.contains("U+0000") })
        #expect(lines.contains { $0.contains("big.yaml:1:1:") && $0.contains("ACTIVITY_MAX_FILE_BYTES") })
        #expect(lines.contains { $0.contains("sexa.yaml:2:39: 'action.timeout_seconds' must be from 1") })
        #expect(lines.contains { $0.contains("strings.yaml:") && $0.contains("bytes of text") })
    }

    @Test("a fresh schema with a mistyped or empty root deletes none of the owned schedules already in Temporal")
    func freshSchemaMistypedRoot() async throws {
        try await Self.with { setup in
            // Schedules an earlier deployment (the Python activity-core) left under the prefix.
            let projection = ScheduleProjection(prefix: setup.prefix, taskQueue: "orchestrator-tq")
            try await TestTemporal.withClient { client in
                let service = TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout)
                for id in ["legacy-a", "legacy-b"] {
                    let definition = ActivityDefinition(
                        id: id, trigger: .cron(CronTrigger(cronExpression: "0 6 * * *")), document: .null)
                    if let schedule = projection.project(definition) {
                        try await service.createSchedule(schedule, notes: "")
                    }
                }
                _ = try await TestTemporal.waitForList(service, prefix: setup.prefix) { $0.count == 2 }
            }
            let mistyped = try await setup.sync(root: setup.root + "/definitons")
            #expect(mistyped.status == 1, "\(mistyped.output)")
            #expect(Self.count(mistyped.report, "schedules", "deleted_orphans") == 0, "\(mistyped.output)")
            #expect(Self.messages(mistyped.report).contains { $0.contains("does not exist") })
            #expect(Self.messages(mistyped.report, "warnings").contains { $0.contains("2 orphan schedule(s) kept") })

            try FileManager.default.createDirectory(
                atPath: setup.root + "/empty", withIntermediateDirectories: true)
            let empty = try await setup.sync(root: setup.root + "/empty")
            #expect(Self.count(empty.report, "schedules", "deleted_orphans") == 0, "\(empty.output)")
            for id in ["legacy-a", "legacy-b"] {
                #expect(try await setup.scheduleExists(id), "\(id)")
            }
        }
    }

    @Test("switching ACTIVITY_DEFINITION_DIRS to a new folder that is still empty retires nothing")
    func switchToEmptyRoot() async throws {
        try await Self.with { setup in
            try setup.write("old/a.yaml", HostileFiles.cron("a"))
            try setup.write("old/b.yaml", HostileFiles.cron("b"))
            let first = try await setup.sync(root: setup.root + "/old")
            #expect(Self.count(first.report, "schedules", "created") == 2, "\(first.output)")
            try FileManager.default.createDirectory(atPath: setup.root + "/new", withIntermediateDirectories: true)
            try setup.write("new/README.md", "# Definitions arrive here soon\n")
            let switched = try await setup.sync(root: setup.root + "/new")
            #expect(Self.count(switched.report, "definitions", "retired") == 0, "\(switched.output)")
            #expect(Self.count(switched.report, "schedules", "deleted_orphans") == 0, "\(switched.output)")
            #expect(try await setup.scheduleExists("a"))
            #expect(try await setup.scheduleExists("b"))
        }
    }

    @Test("a sync that would empty everything is refused without --allow-empty (plan says so) and proceeds with it")
    func allowEmpty() async throws {
        try await Self.with { setup in
            try setup.write("activity-definitions/a.yaml", HostileFiles.cron("a"))
            try setup.write("activity-definitions/b.yaml", HostileFiles.cron("b"))
            try setup.write("event-types/push.yaml", "type: event-type\nid: repo.push\n")
            let first = try await setup.sync(["--all"])
            #expect(Self.count(first.report, "schedules", "created") == 2, "\(first.output)")

            try setup.remove("activity-definitions/a.yaml")
            try setup.remove("activity-definitions/b.yaml")
            let refused = try await setup.sync(["--all"])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(Self.items(refused.report) == [SyncReport.allowEmptyItem], "\(refused.output)")
            #expect(Self.count(refused.report, "definitions", "retired") == 0)
            #expect(Self.count(refused.report, "schedules", "deleted_orphans") == 0)
            let plan = try await setup.run(["plan"])
            #expect(plan.status == 1, "\(plan.stdout)\(plan.stderr)")
            #expect(
                plan.stdout.contains("error: [definitions]") && plan.stdout.contains("allow_empty"), "\(plan.stdout)")
            #expect(try await setup.scheduleExists("a"))

            let allowed = try await setup.sync(["--all", "--allow-empty"])
            #expect(allowed.status == 0, "\(allowed.output)")
            #expect(Self.count(allowed.report, "definitions", "retired") == 2)
            #expect(Self.count(allowed.report, "schedules", "deleted_orphans") == 2)
            #expect(try await !setup.scheduleExists("a"))
        }
    }

    @Test("a PostgreSQL statement stuck behind a table lock ends the sync with errors; the next sync runs")
    func statementTimeout() async throws {
        try await Self.with { setup in
            try setup.write("a.yaml", HostileFiles.cron("a"))
            let timeout = ["ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS": "2"]
            #expect(try await setup.sync(extra: timeout).status == 0)
            let url = try DatabaseURL(TestDatabase.urlText)
            try await ActivityDatabase.withClient(url: url, logger: TestDatabase.logger) { client in
                try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: TestDatabase.logger)
                    try await connection.query(
                        PostgresQuery(
                            unsafeSQL:
                                "LOCK TABLE \"\(setup.schema)\".activity_definitions IN ACCESS EXCLUSIVE MODE"),
                        logger: TestDatabase.logger)
                    let stuck = try await setup.sync(extra: timeout)
                    try await connection.query("COMMIT", logger: TestDatabase.logger)
                    #expect(stuck.status == 1, "\(stuck.output)")
                    #expect(
                        Self.messages(stuck.report).contains { $0.contains("statement timeout") }, "\(stuck.output)")
                }
            }
            let next = try await setup.sync(extra: timeout)
            #expect(next.status == 0, "\(next.output)")
        }
    }

    @Test("a symlink loop or a dangling link in place of a definition keeps its definition and schedule")
    func brokenLinks() async throws {
        try await Self.with { setup in
            try setup.write("a.yaml", HostileFiles.cron("a"))
            try setup.write("b.yaml", HostileFiles.cron("b"))
            try setup.write("c.yaml", HostileFiles.cron("c"))
            #expect(try await setup.sync().status == 0)
            try setup.remove("a.yaml")
            try FileManager.default.createSymbolicLink(
                atPath: setup.root + "/a.yaml", withDestinationPath: setup.root + "/a.yaml")
            try setup.remove("b.yaml")
            try FileManager.default.createSymbolicLink(
                atPath: setup.root + "/b.yaml", withDestinationPath: setup.root + "/moved-away.yaml")
            let report = try await setup.sync()
            #expect(report.status == 1, "\(report.output)")
            #expect(Self.count(report.report, "definitions", "retired") == 0, "\(report.output)")
            #expect(Self.count(report.report, "schedules", "deleted_orphans") == 0)
            #expect(Self.messages(report.report).contains { $0.contains("a.yaml") && $0.contains("symlink loop") })
            #expect(Self.messages(report.report).contains { $0.contains("b.yaml") && $0.contains("dangling") })
            #expect(try await setup.scheduleExists("a"))
            #expect(try await setup.scheduleExists("b"))
        }
    }

    @Test("the store writes one record at a time when PostgreSQL refuses a value: the others are stored")
    func storeRefusesOne() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let store = PostgresDefinitionStore(database: database)
            let source = DefinitionSource(root: "/r", path: "x.yaml")
            let good = StoredRecord(document: ActivityDefinition(id: "good", document: .null), source: source)
            // Validation refuses this; the store must still not let it block the others.
            let bad = StoredRecord(
                document: ActivityDefinition(id: "bad", input: .string("a\u{0}b"), document: .null), source: source)
            let result = try await store.apply(StoreChanges(upserts: [bad, good]))
            #expect(Array(result.failures.keys) == ["bad"])
            #expect(result.failures["bad"]?.contains("22P05") == true, "\(result.failures)")
            #expect(result.generation == 1)
            #expect(try await store.records().map(\.id) == ["good"])
        }
    }
}
