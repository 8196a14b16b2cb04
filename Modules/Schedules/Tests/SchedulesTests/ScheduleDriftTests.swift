import Definitions
import Logging
import Testing

@testable import Schedules

@Suite("Drift: owned schedules changed behind activity-core's back")
struct ScheduleDriftTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let id = "activity-schedule-digest"

    func makeSync(
        _ service: InMemoryScheduleService, _ applied: InMemoryAppliedScheduleStore, policy: DriftPolicy = .correct
    ) -> ScheduleSync<InMemoryScheduleService, InMemoryAppliedScheduleStore> {
        ScheduleSync(
            service: service, applied: applied, projection: Fixtures.projection, parallelism: 4, driftPolicy: policy)
    }

    /// Created, then synced once more (which learns the observed form from the listing, the
    /// baseline later listings are compared with).
    func created(
        _ service: InMemoryScheduleService, _ applied: InMemoryAppliedScheduleStore, policy: DriftPolicy = .correct
    ) async throws -> (ScheduleSync<InMemoryScheduleService, InMemoryAppliedScheduleStore>, [ActivityDefinition]) {
        let sync = self.makeSync(service, applied, policy: policy)
        let definitions = [Fixtures.definition("digest", cron: "0 6 * * *")]
        _ = try await sync.sync(definitions: definitions, logger: self.logger)
        let second = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(second.changes.isEmpty && second.drifted == 0)
        #expect(try await applied.applied()[Self.id]?.observedSpec != nil)
        return (sync, definitions)
    }

    @Test("a row without an observed form (an older version's) learns it from the listing, no call made")
    func learnsBaseline() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied)
        let row = try #require(try await applied.applied()[Self.id])
        try await applied.recordApplied(
            scheduleID: Self.id, specHash: row.specHash, paused: row.paused ?? false, observedSpec: nil)
        let calls = service.calls
        let report = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(report.changes.isEmpty && report.drifted == 0)
        #expect(service.calls["describe"] == calls["describe"])
        #expect(try await applied.applied()[Self.id]?.observedSpec == row.observedSpec)
    }

    @Test("a hand-changed cron is corrected by the next plain sync; the no-op path lists once and describes nothing")
    func corrected() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied)
        let quiet = service.calls
        _ = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(service.calls["list"] == (quiet["list"] ?? 0) + 1)
        #expect(service.calls["describe"] == quiet["describe"])
        #expect(service.writeCalls == 1)

        service.editByHand(Self.id) { $0.cronExpression = "*/5 * * * *" }
        let report = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(report.drifted == 1)
        #expect(report.corrected == 1)
        #expect(report.updated == 0)
        #expect(report.drift == [Self.id: ["spec"]])
        #expect(report.changes.map(\.action) == ["correct"])
        #expect(report.changes.first?.fields == ["spec"])
        #expect(service.schedules[Self.id]?.schedule.cronExpression == "0 6 * * *")
        // Corrected and recorded: the next sync is quiet again.
        let again = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(again.changes.isEmpty && again.drifted == 0)
    }

    @Test("ACTIVITY_DRIFT=report leaves the schedule as it is, warns and counts it, every sync")
    func reported() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied, policy: .report)
        service.editByHand(Self.id) { $0.cronExpression = "*/5 * * * *" }
        for _ in 0..<2 {
            let report = try await sync.sync(definitions: definitions, logger: self.logger)
            #expect(report.drifted == 1 && report.corrected == 0)
            #expect(report.changes.isEmpty)
            #expect(
                report.warnings.contains { $0.scheduleID == Self.id && $0.message.contains("ACTIVITY_DRIFT=report") })
            #expect(service.schedules[Self.id]?.schedule.cronExpression == "*/5 * * * *")
            // Kept for GET /admin/definitions until it is gone.
            #expect(try await applied.applied()[Self.id]?.drift == ["spec"])
        }
        let correcting = self.makeSync(service, applied)
        _ = try await correcting.sync(definitions: definitions, logger: self.logger)
        #expect(try await applied.applied()[Self.id]?.drift == [])
    }

    @Test("a schedule paused by hand stays paused when its drift is corrected")
    func pausedByHandStaysPaused() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied)
        try await service.pauseSchedule(id: Self.id, notes: "maintenance window")
        service.editByHand(Self.id) { $0.timezone = "Asia/Tokyo" }
        let report = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(report.corrected == 1)
        #expect(service.schedules[Self.id]?.paused == true)
        #expect(service.schedules[Self.id]?.notes == "maintenance window")
        #expect(service.schedules[Self.id]?.schedule.timezone == "UTC")
    }

    @Test("a list still showing the spec before activity-core's own update is not drift")
    func laggingListIsNotDrift() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, _) = try await self.created(service, applied)
        service.freezeInList(Self.id)
        let changed = [Fixtures.definition("digest", cron: "0 7 * * *")]
        let update = try await sync.sync(definitions: changed, logger: self.logger)
        #expect(update.updated == 1)
        // The update knows the form before it, not after it.
        let row = try #require(try await applied.applied()[Self.id])
        #expect(row.observedSpec == nil && row.supersededSpec == "0 6 * * *|UTC|0")
        let describes = service.calls["describe"] ?? 0
        let next = try await sync.sync(definitions: changed, logger: self.logger)
        #expect(next.drifted == 0 && next.changes.isEmpty)
        // The listing still shows the form before: a describe tells the one after.
        #expect(service.calls["describe"] == describes + 1)
        let learned = try #require(try await applied.applied()[Self.id])
        #expect(learned.observedSpec == "0 7 * * *|UTC|0" && learned.supersededSpec == nil)
    }

    @Test("an update that leaves the spec as it was: the next sync describes it once, the one after nothing")
    func updateKeepingSpec() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, _) = try await self.created(service, applied)
        let changed = [Fixtures.definition("digest", cron: "0 6 * * *", policy: .catchupLatest)]
        let update = try await sync.sync(definitions: changed, logger: self.logger)
        #expect(update.updated == 1)
        let describes = service.calls["describe"] ?? 0
        let next = try await sync.sync(definitions: changed, logger: self.logger)
        #expect(next.drifted == 0 && next.changes.isEmpty)
        #expect(service.calls["describe"] == describes + 1)
        #expect(try await applied.applied()[Self.id]?.observedSpec == "0 6 * * *|UTC|0")
        let quiet = try await sync.sync(definitions: changed, logger: self.logger)
        #expect(quiet.drifted == 0 && quiet.changes.isEmpty)
        #expect(service.calls["describe"] == describes + 1)
        // And a cron changed by hand after that is drift again.
        service.editByHand(Self.id) { $0.cronExpression = "*/5 * * * *" }
        let drifted = try await sync.sync(definitions: changed, logger: self.logger)
        #expect(drifted.drift == [Self.id: ["spec"]])
    }

    @Test("drift of a schedule whose definition changed too is a plain update")
    func changedDefinitionWins() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, _) = try await self.created(service, applied)
        service.editByHand(Self.id) { $0.cronExpression = "*/5 * * * *" }
        let report = try await sync.sync(
            definitions: [Fixtures.definition("digest", cron: "0 8 * * *")], logger: self.logger)
        #expect(report.updated == 1 && report.corrected == 0 && report.drifted == 0)
        #expect(service.schedules[Self.id]?.schedule.cronExpression == "0 8 * * *")
    }

    @Test("a dry run reports the drift it would correct and writes nothing")
    func dryRun() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied)
        service.editByHand(Self.id) { $0.cronExpression = "*/5 * * * *" }
        let writes = service.writeCalls
        let plan = try await sync.sync(definitions: definitions, dryRun: true, logger: self.logger)
        #expect(plan.drifted == 1 && plan.corrected == 1)
        #expect(service.writeCalls == writes)
        #expect(service.schedules[Self.id]?.schedule.cronExpression == "*/5 * * * *")
    }

    @Test("a hand-changed task queue and payload are found only by a refresh, and corrected")
    func refreshFindsActionDrift() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied)
        service.editByHand(Self.id) {
            $0.taskQueue = "someone-elses-tq"
            $0.input = .object(["activity_id": .string("digest"), "trigger": .string("manual")])
        }
        let plain = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(plain.drifted == 0 && plain.changes.isEmpty)
        let describes = service.calls["describe"] ?? 0
        let refreshed = try await sync.sync(definitions: definitions, refresh: true, logger: self.logger)
        #expect(service.calls["describe"] == describes + 1)
        #expect(refreshed.drift == [Self.id: ["task_queue", "payload"]])
        #expect(refreshed.corrected == 1)
        #expect(refreshed.changes.first?.fields == ["task_queue", "payload"])
        #expect(service.schedules[Self.id]?.schedule.taskQueue == Fixtures.projection.taskQueue)
        let again = try await sync.sync(definitions: definitions, refresh: true, logger: self.logger)
        #expect(again.drifted == 0 && again.changes.isEmpty)
    }

    @Test("a refresh with ACTIVITY_DRIFT=report names the fields and leaves the schedule")
    func refreshReports() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let (sync, definitions) = try await self.created(service, applied, policy: .report)
        service.editByHand(Self.id) { $0.overlap = .bufferAll }
        let report = try await sync.sync(definitions: definitions, refresh: true, logger: self.logger)
        #expect(report.drift == [Self.id: ["overlap_policy"]])
        #expect(report.changes.isEmpty)
        #expect(service.schedules[Self.id]?.schedule.overlap == .bufferAll)
    }

    @Test("a refresh of many schedules describes each once and finds nothing on schedules as written")
    func refreshMany() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let sync = self.makeSync(service, applied)
        let definitions = (0..<100).map { Fixtures.definition("d\($0)", cron: "\($0 % 60) 6 * * *") }
        _ = try await sync.sync(definitions: definitions, logger: self.logger)
        let describes = service.calls["describe"] ?? 0
        let report = try await sync.sync(definitions: definitions, dryRun: true, refresh: true, logger: self.logger)
        #expect(report.drifted == 0 && report.unchanged == 100)
        #expect(service.calls["describe"] == describes + 100)
    }

    @Test("a refresh stops describing once Temporal is unavailable: the rest are errors, not waits")
    func refreshGivesUpWhenUnavailable() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let sync = self.makeSync(service, applied)
        let definitions = (0..<100).map { Fixtures.definition("d\($0)", cron: "\($0 % 60) 6 * * *") }
        _ = try await sync.sync(definitions: definitions, logger: self.logger)
        for index in 0..<100 {
            service.failDescribe(
                "activity-schedule-d\(index)", with: ScheduleServiceError(.unavailable, "connection refused"))
        }
        let describes = service.calls["describe"] ?? 0
        let report = try await sync.sync(definitions: definitions, dryRun: true, refresh: true, logger: self.logger)
        // The four in flight when the first answer came back, no more.
        #expect(try #require(service.calls["describe"]) - describes <= 4)
        #expect(report.errors.count == 100)
        #expect(report.errors.filter { $0.message.hasPrefix("not described: Temporal is unavailable") }.count >= 96)
        #expect(report.drifted == 0 && report.changes.isEmpty)
    }

    @Test("a first sync only creates; the next learns every observed form from its listing, describing nothing")
    func createsThenLearns() async throws {
        let (service, applied) = (InMemoryScheduleService(), InMemoryAppliedScheduleStore())
        let sync = self.makeSync(service, applied)
        let definitions = (0..<100).map { Fixtures.definition("d\($0)", cron: "\($0 % 10) 6 * * *") }
        let report = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(report.created == 100)
        #expect(service.calls["describe"] == nil)
        #expect(service.calls.values.reduce(0, +) == 101, "one list and 100 creates: \(service.calls)")
        let repeated = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(repeated.changes.isEmpty && repeated.drifted == 0)
        #expect(service.calls["describe"] == nil)
        let rows = try await applied.applied()
        #expect(rows.count == 100 && rows.values.allSatisfy { $0.observedSpec != nil })
        #expect(rows["activity-schedule-d3"]?.observedSpec == rows["activity-schedule-d13"]?.observedSpec)
        #expect(rows["activity-schedule-d3"]?.observedSpec != rows["activity-schedule-d4"]?.observedSpec)
        // A cron changed by hand after that is drift (the baseline was learned).
        let changed = Fixtures.definition("d3", cron: "30 7 * * *")
        try await service.updateSchedule(
            Fixtures.projection.project([changed]).values.first!, paused: false, notes: "")
        let third = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(third.drift["activity-schedule-d3"] == ["spec"])
    }
}
