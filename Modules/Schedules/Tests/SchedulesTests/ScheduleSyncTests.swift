import Definitions
import Logging
import Testing

@testable import Schedules

@Suite("ScheduleSync with in-memory services")
struct ScheduleSyncTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func makeSync(
        _ service: InMemoryScheduleService, _ applied: InMemoryAppliedScheduleStore, orphans: OrphanPolicy = .delete
    )
        -> ScheduleSync<InMemoryScheduleService, InMemoryAppliedScheduleStore>
    {
        ScheduleSync(
            service: service, applied: applied, projection: Fixtures.projection, orphanPolicy: orphans, parallelism: 4)
    }

    @Test("first sync creates, repeat sync makes no write call")
    func repeatSync() async throws {
        let service = InMemoryScheduleService()
        let sync = self.makeSync(service, InMemoryAppliedScheduleStore())
        let definitions = (0..<20).map { Fixtures.definition("d\($0)") } + [Fixtures.definition("off", enabled: false)]
        let first = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(first.created == 21)
        #expect(first.changes.first { $0.scheduleID == "activity-schedule-off" }?.paused == true)
        #expect(service.schedules["activity-schedule-off"]?.paused == true)
        let writes = service.writeCalls
        let second = try await sync.sync(definitions: definitions, logger: self.logger)
        #expect(second.unchanged == 21)
        #expect(second.changes.isEmpty)
        #expect(service.writeCalls == writes)
        #expect(service.calls["list"] == 2)
    }

    @Test("the Coulomb rename: hourly -> daily creates the new schedule and deletes the old one")
    func coulombRename() async throws {
        let service = InMemoryScheduleService()
        let sync = self.makeSync(service, InMemoryAppliedScheduleStore())
        _ = try await sync.sync(
            definitions: [Fixtures.definition("coulomb-hourly-coach-orientation")], logger: self.logger)
        let renamed = Fixtures.definition(
            "coulomb-daily-coach-orientation", cron: "0 6 * * *", timezone: "Europe/Berlin")
        let report = try await sync.sync(definitions: [renamed], logger: self.logger)
        #expect(report.created == 1)
        #expect(report.deletedOrphans == 1)
        #expect(Set(service.schedules.keys) == ["activity-schedule-coulomb-daily-coach-orientation"])
        #expect(
            service.schedules["activity-schedule-coulomb-daily-coach-orientation"]?.schedule.timezone == "Europe/Berlin"
        )
    }

    @Test("a rename right after a create: the old schedule, missing from the lagging list, is still deleted")
    func renameWhileListLags() async throws {
        let service = InMemoryScheduleService()
        let sync = self.makeSync(service, InMemoryAppliedScheduleStore())
        _ = try await sync.sync(
            definitions: [Fixtures.definition("coulomb-hourly-coach-orientation")], logger: self.logger)
        service.hideFromList("activity-schedule-coulomb-hourly-coach-orientation")
        let renamed = Fixtures.definition("coulomb-daily-coach-orientation", cron: "0 6 * * *")
        let report = try await sync.sync(definitions: [renamed], logger: self.logger)
        #expect(report.created == 1)
        #expect(report.deletedOrphans == 1)
        #expect(Set(service.schedules.keys) == ["activity-schedule-coulomb-daily-coach-orientation"])
        // Nothing left to look for: the next sync lists and describes nothing extra.
        let describes = service.calls["describe"] ?? 0
        let repeated = try await sync.sync(definitions: [renamed], logger: self.logger)
        #expect(repeated.changes.isEmpty)
        #expect((service.calls["describe"] ?? 0) == describes)
    }

    @Test("an enabled flip right after a pause: the lagging list still shows it running, it is unpaused")
    func unpauseWhileListLags() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let sync = self.makeSync(service, applied)
        let id = "activity-schedule-flip"
        _ = try await sync.sync(definitions: [Fixtures.definition("flip")], logger: self.logger)
        service.freezeInList(id)
        let paused = try await sync.sync(
            definitions: [Fixtures.definition("flip", enabled: false)], logger: self.logger)
        #expect(paused.paused == 1)
        #expect(service.schedules[id]?.paused == true)
        let unpaused = try await sync.sync(definitions: [Fixtures.definition("flip")], logger: self.logger)
        #expect(unpaused.unpaused == 1)
        #expect(service.schedules[id]?.paused == false)
        #expect(try await applied.applied()[id]?.paused == false)
        // The list agrees with what was applied again: nothing described, nothing written.
        let describes = service.calls["describe"] ?? 0
        let writes = service.writeCalls
        let repeated = try await sync.sync(definitions: [Fixtures.definition("flip")], logger: self.logger)
        #expect(repeated.changes.isEmpty)
        #expect((service.calls["describe"] ?? 0) == describes)
        #expect(service.writeCalls == writes)
    }

    @Test("a schedule paused by hand is described once, left paused, and not described again")
    func pausedByHandDescribedOnce() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let sync = self.makeSync(service, applied)
        let id = "activity-schedule-manual"
        _ = try await sync.sync(definitions: [Fixtures.definition("manual")], logger: self.logger)
        // A create describes nothing (its observed spec form comes with the next listing).
        #expect(service.calls["describe"] == nil)
        try await service.pauseSchedule(id: id, notes: "maintenance")
        let first = try await sync.sync(definitions: [Fixtures.definition("manual")], logger: self.logger)
        #expect(first.warnings.map(\.scheduleID) == [id])
        #expect(service.schedules[id]?.paused == true)
        #expect(service.calls["describe"] == 1)
        #expect(try await applied.applied()[id]?.paused == true)
        _ = try await sync.sync(definitions: [Fixtures.definition("manual")], logger: self.logger)
        #expect(service.calls["describe"] == 1)
    }

    @Test("a schedule deleted behind our back is forgotten after one look")
    func deletedBehindOurBack() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let sync = self.makeSync(service, applied)
        _ = try await sync.sync(definitions: [Fixtures.definition("gone")], logger: self.logger)
        _ = try await service.deleteSchedule(id: "activity-schedule-gone")
        _ = try await sync.sync(definitions: [], logger: self.logger)
        #expect(try await applied.appliedHashes().isEmpty)
        let describes = service.calls["describe"] ?? 0
        _ = try await sync.sync(definitions: [], logger: self.logger)
        #expect((service.calls["describe"] ?? 0) == describes)
    }

    @Test("with the pause policy the renamed-away schedule is paused as orphaned")
    func coulombRenamePause() async throws {
        let service = InMemoryScheduleService()
        let sync = self.makeSync(service, InMemoryAppliedScheduleStore(), orphans: .pause)
        _ = try await sync.sync(
            definitions: [Fixtures.definition("coulomb-hourly-coach-orientation")], logger: self.logger)
        let report = try await sync.sync(
            definitions: [Fixtures.definition("coulomb-daily-coach-orientation")], logger: self.logger)
        #expect(report.created == 1)
        #expect(report.paused == 1)
        let old = try #require(service.schedules["activity-schedule-coulomb-hourly-coach-orientation"])
        #expect(old.paused)
        #expect(old.notes == ScheduleNotes.orphaned)
    }

    @Test("a dry run plans and writes nothing")
    func dryRun() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let report = try await self.makeSync(service, applied).sync(
            definitions: [Fixtures.definition("a")], dryRun: true, logger: self.logger)
        #expect(report.created == 1)
        #expect(service.writeCalls == 0)
        #expect(try await applied.appliedHashes().isEmpty)
    }

    @Test("a create that meets an existing schedule converges instead of failing")
    func alreadyExistsConverges() async throws {
        let service = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let old = Fixtures.desired("a", cron: "5 * * * *")
        service.seed(old)
        service.hideFromList(old.scheduleID)
        let report = try await self.makeSync(service, applied).sync(
            definitions: [Fixtures.definition("a")], logger: self.logger)
        #expect(report.errors.isEmpty)
        #expect(report.updated == 1)
        #expect(service.schedules[old.scheduleID]?.schedule.cronExpression == "0 * * * *")
        #expect(try await applied.appliedHashes()[old.scheduleID] == Fixtures.desired("a").specHash)
    }

    @Test("one failing schedule is an error entry; the others are applied")
    func failureIsIsolated() async throws {
        let service = InMemoryScheduleService()
        service.fail("activity-schedule-bad", with: ScheduleServiceError(.invalidArgument, "invalid cron"))
        let report = try await self.makeSync(service, InMemoryAppliedScheduleStore())
            .sync(definitions: [Fixtures.definition("good"), Fixtures.definition("bad")], logger: self.logger)
        #expect(report.created == 1)
        #expect(report.errors.map(\.scheduleID) == ["activity-schedule-bad"])
    }
}
