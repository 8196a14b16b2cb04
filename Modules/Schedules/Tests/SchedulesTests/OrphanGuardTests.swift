import Definitions
import Logging
import Testing

@testable import Schedules

/// The deletion guards of CONTRACT section 8 on the schedules side, and "one failure is one
/// entry": a hold after a definitions problem, protected ids, the empty guard, a describe or
/// a write that fails for one schedule, and Temporal going away mid-sync.
@Suite("Deletion guards: schedules")
struct OrphanGuardTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func makeSync(_ service: InMemoryScheduleService, orphans: OrphanPolicy = .delete, parallelism: Int = 4)
        -> ScheduleSync<InMemoryScheduleService, InMemoryAppliedScheduleStore>
    {
        ScheduleSync(
            service: service, applied: InMemoryAppliedScheduleStore(), projection: Fixtures.projection,
            orphanPolicy: orphans, parallelism: parallelism)
    }

    /// Three schedules created by a first sync.
    func seeded(_ ids: [String] = ["a", "b", "c"]) async throws -> (
        InMemoryScheduleService, [ActivityDefinition]
    ) {
        let service = InMemoryScheduleService()
        let definitions = ids.map { Fixtures.definition($0) }
        _ = try await self.makeSync(service).sync(definitions: definitions, logger: self.logger)
        #expect(service.schedules.count == ids.count)
        return (service, definitions)
    }

    @Test("a hold keeps every orphan (creates and updates still apply) and says why", arguments: OrphanPolicy.allCases)
    func hold(policy: OrphanPolicy) async throws {
        let (service, _) = try await self.seeded()
        let report = try await self.makeSync(service, orphans: policy).sync(
            definitions: [Fixtures.definition("a", cron: "0 6 * * *"), Fixtures.definition("new")],
            guard: OrphanGuard(holdReason: "definition root(s) /defs did not load"), logger: self.logger)
        #expect(report.updated == 1)
        #expect(report.created == 1)
        #expect(report.deletedOrphans == 0)
        #expect(report.paused == 0)
        #expect(Set(service.schedules.keys) == Set(["a", "b", "c", "new"].map { "activity-schedule-" + $0 }))
        #expect(service.schedules.values.allSatisfy { !$0.paused })
        #expect(
            report.warnings.map(\.description).contains {
                $0.contains("2 orphan schedule(s) kept") && $0.contains("/defs did not load")
            })
    }

    @Test("the schedule of an unreadable stored definition is never an orphan")
    func protectedIDs() async throws {
        let (service, definitions) = try await self.seeded()
        let report = try await self.makeSync(service).sync(
            definitions: Array(definitions.prefix(1)), guard: OrphanGuard(protectedActivityIDs: ["b"]),
            logger: self.logger)
        #expect(report.deletedOrphans == 1)
        #expect(service.schedules["activity-schedule-b"] != nil)
        #expect(service.schedules["activity-schedule-c"] == nil)
    }

    @Test("deleting or pausing every owned schedule is refused without allow_empty", arguments: OrphanPolicy.allCases)
    func emptyGuard(policy: OrphanPolicy) async throws {
        let (service, _) = try await self.seeded()
        let refused = try await self.makeSync(service, orphans: policy).sync(definitions: [], logger: self.logger)
        #expect(refused.deletedOrphans == 0)
        #expect(refused.paused == 0)
        #expect(refused.unchanged == 3)
        #expect(refused.emptyRefusal?.contains("all 3 owned schedule(s)") == true)
        #expect(service.schedules.count == 3)
        #expect(service.schedules.values.allSatisfy { !$0.paused })

        let allowed = try await self.makeSync(service, orphans: policy).sync(
            definitions: [], guard: OrphanGuard(allowEmpty: true), logger: self.logger)
        #expect(allowed.emptyRefusal == nil)
        #expect(allowed.deletedOrphans + allowed.paused == 3)
    }

    @Test("a dry run reports the refusal too")
    func emptyGuardDryRun() async throws {
        let (service, _) = try await self.seeded()
        let plan = try await self.makeSync(service).sync(definitions: [], dryRun: true, logger: self.logger)
        #expect(plan.emptyRefusal != nil)
        #expect(plan.deletedOrphans == 0)
    }

    @Test("a describe that fails is one error; the other schedules are planned and applied")
    func describeFails() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let sync = ScheduleSync(service: service, applied: applied, projection: Fixtures.projection, parallelism: 4)
        _ = try await sync.sync(
            definitions: ["a", "b", "c"].map { Fixtures.definition($0) }, logger: self.logger)
        // a was paused by hand (the list disagrees with what was applied: it is described),
        // and its describe fails; b is renamed away; c changes its cron.
        try await service.pauseSchedule(id: "activity-schedule-a", notes: "by hand")
        service.failDescribe("activity-schedule-a", with: ScheduleServiceError(.failed, "boom"))
        let report = try await sync.sync(
            definitions: [Fixtures.definition("a"), Fixtures.definition("c", cron: "0 6 * * *")], logger: self.logger)
        #expect(report.errors.map(\.scheduleID) == ["activity-schedule-a"])
        #expect(report.errors.first?.message.contains("boom") == true)
        #expect(report.deletedOrphans == 1)
        #expect(report.updated == 1)
        #expect(service.schedules["activity-schedule-a"]?.paused == true)
    }

    @Test("once Temporal is unavailable the writes not yet started are errors, not attempts")
    func unavailableStopsTheRest() async throws {
        let service = InMemoryScheduleService()
        let ids = (0..<10).map { "d\($0)" }
        for id in ids {
            service.fail("activity-schedule-\(id)", with: ScheduleServiceError(.unavailable, "connection refused"))
        }
        let report = try await self.makeSync(service, parallelism: 2).sync(
            definitions: ids.map { Fixtures.definition($0) }, logger: self.logger)
        #expect(report.errors.count == 10)
        #expect(report.created == 0)
        #expect((service.calls["create"] ?? 0) <= 2)
        #expect(report.errors.filter { $0.message.hasPrefix("not attempted") }.count >= 8)
    }

    @Test("once a describe answers unavailable, the other schedules are not described")
    func unavailableDescribesStop() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let sync = ScheduleSync(service: service, applied: applied, projection: Fixtures.projection, parallelism: 4)
        let ids = (0..<10).map { "d\($0)" }
        _ = try await sync.sync(definitions: ids.map { Fixtures.definition($0) }, logger: self.logger)
        // Every schedule was paused by hand: the list disagrees with what was applied.
        for id in ids {
            try await service.pauseSchedule(id: "activity-schedule-\(id)", notes: "by hand")
            service.failDescribe("activity-schedule-\(id)", with: ScheduleServiceError(.unavailable, "refused"))
        }
        let describes = service.calls["describe"] ?? 0
        let report = try await sync.sync(definitions: ids.map { Fixtures.definition($0) }, logger: self.logger)
        // Four at a time: the first answer stops the six not started yet.
        #expect((service.calls["describe"] ?? 0) <= describes + 4)
        #expect(report.errors.count == 10)
        #expect(report.errors.filter { $0.message.hasPrefix("not described: Temporal is unavailable") }.count >= 6)
    }
}
