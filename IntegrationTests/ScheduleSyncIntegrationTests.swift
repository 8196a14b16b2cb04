import Definitions
import Foundation
import Postgres
import Schedules
import Temporal
import Testing

/// Schedule sync against the real Temporal dev server and PostgreSQL (CONTRACT section 4).
@Suite("Schedule sync against Temporal")
struct ScheduleSyncIntegrationTests {
    static let writeMethods: Set<String> = ["CreateSchedule", "UpdateSchedule", "PatchSchedule", "DeleteSchedule"]

    static func definition(_ id: String, cron: String = "0 * * * *", timezone: String = "UTC", enabled: Bool = true)
        -> ActivityDefinition
    {
        ActivityDefinition(
            id: id,
            enabled: enabled,
            trigger: .cron(CronTrigger(cronExpression: cron, timezone: timezone)),
            document: .object(["id": .string(id)])
        )
    }

    static func writes(_ counter: RPCCounter) -> Int {
        counter.snapshot.filter { Self.writeMethods.contains($0.key) }.values.reduce(0, +)
    }

    /// Runs `body` with a schedule sync of its own prefix, a fresh database schema, and the
    /// counter of its client's RPCs; deletes the prefix's schedules afterwards.
    static func withSync(
        orphans: OrphanPolicy = .delete,
        _ body:
            @Sendable (
                ScheduleSync<TemporalScheduleService, PostgresAppliedScheduleStore>, TemporalScheduleService, RPCCounter
            )
            async throws -> Void
    ) async throws {
        let prefix = TestTemporal.newPrefix()
        let counter = RPCCounter()
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            try await TestTemporal.withClient(counter: counter) { client in
                let service = TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout)
                let sync = ScheduleSync(
                    service: service,
                    applied: PostgresAppliedScheduleStore(database: database),
                    projection: ScheduleProjection(prefix: prefix, taskQueue: "it-\(prefix)tq"),
                    orphanPolicy: orphans
                )
                var failure: (any Error)?
                do { try await body(sync, service, counter) } catch { failure = error }
                await TestTemporal.deleteAll(prefix: prefix, service: service)
                if let failure { throw failure }
            }
        }
    }

    @Test("create, then a repeat sync makes zero writes and leaves the conflict tokens as they were")
    func createThenRepeat() async throws {
        try await Self.withSync { sync, service, counter in
            let prefix = sync.projection.prefix
            let definitions = [
                Self.definition("a"), Self.definition("b", cron: "30 6 * * MON-FRI", timezone: "Europe/Berlin"),
                Self.definition("off", enabled: false),
            ]
            let first = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(first.created == 3, "\(first.errors)")
            #expect(first.errors.isEmpty)
            let described = try #require(try await service.describe(prefix + "b"))
            #expect(described.schedule.spec.timezoneName == "Europe/Berlin")
            #expect(described.schedule.action.startWorkflow.workflowID == "activity-b")
            #expect(described.schedule.action.startWorkflow.workflowType.name == "RunActivityWorkflow")
            #expect(JSONPayload.strings(of: described.memo) == ["managed-by": "activity-core", "activity-id": "b"])
            let input = try JSONPayload.decode(
                [String: String].self, from: try #require(described.schedule.action.startWorkflow.input.payloads.first))
            #expect(input == ["activity_id": "b", "trigger": "cron"])
            let off = try #require(try await service.describe(prefix + "off"))
            #expect(off.schedule.state.paused)
            #expect(off.schedule.state.notes == ScheduleNotes.definitionDisabled)

            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 3 }
            var tokens: [String: Data] = [:]
            for id in ["a", "b", "off"] { tokens[id] = try await service.describe(prefix + id)?.conflictToken }
            counter.reset()
            let second = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(second.unchanged == 3)
            #expect(second.changes.isEmpty)
            #expect(Self.writes(counter) == 0, "\(counter.snapshot)")
            #expect(counter.snapshot["ListSchedules"] == 1)
            for id in ["a", "b", "off"] {
                #expect(try await service.describe(prefix + id)?.conflictToken == tokens[id])
            }
        }
    }

    @Test("update, pause when disabled, unpause when enabled again")
    func updatePauseUnpause() async throws {
        try await Self.withSync { sync, service, _ in
            let prefix = sync.projection.prefix
            _ = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 1 }

            let updated = try await sync.sync(
                definitions: [Self.definition("a", cron: "15 3 * * *")], logger: TestDatabase.logger)
            #expect(updated.updated == 1, "\(updated.errors)")
            let described = try #require(try await service.describe(prefix + "a"))
            #expect(described.schedule.spec.structuredCalendar.first?.hour.first?.start == 3)

            let paused = try await sync.sync(
                definitions: [Self.definition("a", cron: "15 3 * * *", enabled: false)], logger: TestDatabase.logger)
            #expect(paused.paused == 1, "\(paused.errors)")
            #expect(try await service.describe(prefix + "a")?.schedule.state.paused == true)
            #expect(try await sync.applied.applied()[prefix + "a"]?.paused == true)
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.first?.paused == true }

            let unpaused = try await sync.sync(
                definitions: [Self.definition("a", cron: "15 3 * * *")], logger: TestDatabase.logger)
            #expect(unpaused.unpaused == 1, "\(unpaused.errors)")
            #expect(try await service.describe(prefix + "a")?.schedule.state.paused == false)
        }
    }

    @Test("disabled and enabled again in quick syncs, not waiting for the list: running again")
    func quickFlip() async throws {
        try await Self.withSync { sync, service, _ in
            let prefix = sync.projection.prefix
            _ = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 1 }
            for round in 1...3 {
                let paused = try await sync.sync(
                    definitions: [Self.definition("a", enabled: false)], logger: TestDatabase.logger)
                #expect(paused.paused == 1, "round \(round): \(paused.changes) \(paused.errors)")
                let unpaused = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
                #expect(unpaused.unpaused == 1, "round \(round): \(unpaused.changes) \(unpaused.errors)")
                #expect(try await service.describe(prefix + "a")?.schedule.state.paused == false)
            }
            #expect(try await sync.applied.applied()[prefix + "a"]?.paused == false)
        }
    }

    @Test("orphans are deleted; with the pause policy they are paused as orphaned")
    func orphans() async throws {
        try await Self.withSync { sync, service, _ in
            let prefix = sync.projection.prefix
            _ = try await sync.sync(
                definitions: [Self.definition("a"), Self.definition("gone")], logger: TestDatabase.logger)
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 2 }
            let report = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
            #expect(report.deletedOrphans == 1)
            #expect(try await service.describe(prefix + "gone") == nil)
        }
        try await Self.withSync(orphans: .pause) { sync, service, _ in
            let prefix = sync.projection.prefix
            _ = try await sync.sync(
                definitions: [Self.definition("a"), Self.definition("gone")], logger: TestDatabase.logger)
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 2 }
            let report = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
            #expect(report.paused == 1)
            let gone = try #require(try await service.describe(prefix + "gone"))
            #expect(gone.schedule.state.paused)
            #expect(gone.schedule.state.notes == ScheduleNotes.orphaned)
        }
    }

    @Test("a schedule without the prefix is never touched; a manual pause is respected and warned")
    func unmanagedAndManualPause() async throws {
        try await Self.withSync { sync, service, _ in
            let prefix = sync.projection.prefix
            // Someone else's schedule, sharing the start of our prefix but not the prefix.
            var foreign = try #require(
                ScheduleProjection(prefix: String(prefix.dropLast()) + "x-", taskQueue: "q").project(
                    Self.definition("theirs")))
            foreign.memo = ["owner": "someone-else"]
            try await service.createSchedule(foreign, notes: "")

            _ = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
            try await service.pauseSchedule(id: prefix + "a", notes: "maintenance window")
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.first?.paused == true }

            // Deleting the only owned schedule empties the scheduler: refused unless allowed.
            let refused = try await sync.sync(definitions: [], logger: TestDatabase.logger)
            #expect(refused.deletedOrphans == 0)
            #expect(refused.emptyRefusal != nil)
            #expect(try await service.describe(prefix + "a") != nil)
            let report = try await sync.sync(
                definitions: [], guard: OrphanGuard(allowEmpty: true), logger: TestDatabase.logger)
            #expect(report.deletedOrphans == 1)
            #expect(try await service.describe(foreign.scheduleID) != nil)

            _ = try await sync.sync(definitions: [Self.definition("b")], logger: TestDatabase.logger)
            try await service.pauseSchedule(id: prefix + "b", notes: "maintenance window")
            _ = try await TestTemporal.waitForList(service, prefix: prefix) {
                $0.first { $0.scheduleID == prefix + "b" }?.paused == true
            }
            let respected = try await sync.sync(definitions: [Self.definition("b")], logger: TestDatabase.logger)
            #expect(respected.unpaused == 0)
            #expect(respected.warnings.map(\.scheduleID) == [prefix + "b"])
            let b = try #require(try await service.describe(prefix + "b"))
            #expect(b.schedule.state.paused)
            #expect(b.schedule.state.notes == "maintenance window")
            _ = try await service.deleteSchedule(id: foreign.scheduleID)
        }
    }

    @Test("a dry run writes nothing to Temporal or PostgreSQL")
    func dryRun() async throws {
        try await Self.withSync { sync, service, counter in
            let report = try await sync.sync(
                definitions: [Self.definition("a")], dryRun: true, logger: TestDatabase.logger)
            #expect(report.created == 1)
            #expect(Self.writes(counter) == 0)
            #expect(try await service.describe(sync.projection.prefix + "a") == nil)
            #expect(try await sync.applied.appliedHashes().isEmpty)
        }
    }

    @Test("a create that meets an existing schedule converges to an update")
    func alreadyExists() async throws {
        try await Self.withSync { sync, service, _ in
            let stale = try #require(sync.projection.project(Self.definition("a", cron: "5 5 * * *")))
            try await service.createSchedule(stale, notes: "")
            let report = try await sync.sync(definitions: [Self.definition("a")], logger: TestDatabase.logger)
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(report.updated == 1)
            let described = try #require(try await service.describe(sync.projection.prefix + "a"))
            #expect(described.schedule.spec.structuredCalendar.first?.hour.first?.start != 5)
        }
    }
}
