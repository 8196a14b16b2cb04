import Definitions
import Foundation
import Logging
import Schedules
import Sync
import Testing

@Suite("SyncService with in-memory stores and Temporal")
struct SyncServiceTests {
    static func report(_ outcome: SyncOutcome) throws -> SyncReport {
        guard case .ran(let report) = outcome else {
            Issue.record("expected the sync to run, it was busy")
            throw CancellationError()
        }
        return report
    }

    @Test("definitions only: stores definitions, leaves event types and Temporal alone")
    func definitionsOnly() async throws {
        let fixture = try SyncFixture()
        let report = try Self.report(
            try await fixture.service().sync(
                SyncStages(definitions: true, eventTypes: false, schedules: false), dryRun: false, trigger: .api))
        #expect(report.ok)
        #expect(report.definitions?.synced == 2)
        #expect(report.definitions?.upserted == 2)
        #expect(report.eventTypes == nil)
        #expect(report.schedules == nil)
        #expect(try await fixture.definitions.records().map(\.id).sorted() == ["digest", "on-push"])
        #expect(try await fixture.eventTypes.records().isEmpty)
        #expect(fixture.temporal.calls.isEmpty)
    }

    @Test("schedules only: projects what is stored, reads no files into the store")
    func schedulesOnly() async throws {
        let fixture = try SyncFixture()
        let service = fixture.service()
        _ = try await service.sync(
            SyncStages(definitions: true, eventTypes: false, schedules: false), dryRun: false, trigger: .cli)
        try fixture.write(
            "activity-definitions/later.yaml", "id: later\ntrigger: {type: cron, cron_expression: \"@daily\"}\n")
        let report = try Self.report(
            try await service.sync(
                SyncStages(definitions: false, eventTypes: false, schedules: true), dryRun: false, trigger: .api))
        #expect(report.ok)
        #expect(report.definitions == nil)
        #expect(report.schedules?.created == 1)
        #expect(fixture.temporal.schedules.keys.sorted() == ["test-digest"])
        #expect(try await fixture.definitions.record(id: "later") == nil)
    }

    @Test("event types only")
    func eventTypesOnly() async throws {
        let fixture = try SyncFixture()
        let report = try Self.report(
            try await fixture.service().sync(
                SyncStages(definitions: false, eventTypes: true, schedules: false), dryRun: false, trigger: .api))
        #expect(report.ok)
        #expect(report.eventTypes?.upserted == 1)
        #expect(report.definitions == nil && report.schedules == nil)
        #expect(try await fixture.eventTypes.records().map(\.id) == ["repo.push"])
        #expect(try await fixture.definitions.records().isEmpty)
    }

    @Test("all stages, then a repeat that changes nothing")
    func allStages() async throws {
        let fixture = try SyncFixture()
        let service = fixture.service()
        let first = try Self.report(try await service.sync(.all, dryRun: false, trigger: .startup))
        #expect(first.ok)
        #expect(first.definitions?.upserted == 2 && first.eventTypes?.upserted == 1)
        #expect(first.schedules?.created == 1)
        #expect(
            first.changes.map(\.stage.rawValue).sorted() == ["definitions", "definitions", "event_types", "schedules"])
        let writes = fixture.temporal.writeCalls
        let repeated = try Self.report(try await service.sync(.all, dryRun: false, trigger: .loop))
        #expect(repeated.ok && repeated.changes.isEmpty)
        #expect(repeated.definitions?.unchanged == 2 && repeated.schedules?.unchanged == 1)
        #expect(fixture.temporal.writeCalls == writes)
    }

    @Test("a dry run reports the changes and writes nothing anywhere")
    func dryRun() async throws {
        let fixture = try SyncFixture()
        let report = try Self.report(try await fixture.service().sync(.all, dryRun: true, trigger: .api))
        #expect(report.dryRun && report.ok)
        #expect(report.definitions?.upserted == 2)
        #expect(report.schedules?.created == 1)
        #expect(try await fixture.definitions.records().isEmpty)
        #expect(try await fixture.eventTypes.records().isEmpty)
        #expect(fixture.temporal.writeCalls == 0)
    }

    @Test("a failing stage is reported, the others still run, status keeps the error")
    func failingStage() async throws {
        let fixture = try SyncFixture()
        fixture.temporal.fail("test-digest", with: ScheduleServiceError(.unavailable, "temporal is down"))
        let service = fixture.service()
        let report = try Self.report(try await service.sync(.all, dryRun: false, trigger: .api))
        #expect(!report.ok)
        #expect(report.errors.map(\.stage) == [.schedules])
        #expect(report.errors.first?.item == "test-digest")
        #expect(report.definitions?.upserted == 2 && report.eventTypes?.upserted == 1)
        let status = service.status()
        #expect(status.lastError?.contains("temporal is down") == true)
        #expect(status.lastSuccessAt == nil)
        #expect(status.lastResult?.ok == false)
        #expect(!status.running)

        let down = try Self.report(
            try await fixture.service(definitions: UnreachableStore()).sync(
                SyncStages(definitions: true, eventTypes: false, schedules: false), dryRun: false, trigger: .api))
        #expect(!down.ok)
        #expect(down.errors.first?.message.contains("database unreachable") == true)
    }

    @Test("status after a success: started, succeeded, no error, the last result")
    func status() async throws {
        let fixture = try SyncFixture()
        let service = fixture.service()
        #expect(service.status().lastStartedAt == nil)
        _ = try await service.sync(.all, dryRun: false, trigger: .api)
        let status = service.status()
        #expect(status.lastStartedAt != nil && status.lastSuccessAt != nil)
        #expect(status.lastError == nil)
        #expect(status.lastResult?.definitions?.synced == 2)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(status)) as? [String: Any]
        #expect(
            Set(json?.keys.map { $0 } ?? []) == [
                "running", "interval_seconds", "last_started_at", "last_success_at", "last_error", "last_result",
                "last_trigger",
            ])
        #expect(json?["last_trigger"] as? String == "api")

        // A dry run (plan, the console's Plan) is not the last sync: it changes none of it.
        let before = service.status()
        _ = try await service.sync(.all, dryRun: true, trigger: .cli)
        let after = service.status()
        #expect(after.lastResult?.dryRun == false)
        #expect(after.lastTrigger == .api)
        #expect(after.lastStartedAt == before.lastStartedAt && after.lastSuccessAt == before.lastSuccessAt)
    }

    @Test("a sync held elsewhere answers busy at once; a lock out of reach throws")
    func busy() async throws {
        let fixture = try SyncFixture()
        let busy = try await fixture.service(lock: HeldLock()).sync(.all, dryRun: false, trigger: .api)
        guard case .busy = busy else {
            Issue.record("expected busy")
            return
        }
        #expect(try await fixture.definitions.records().isEmpty)
        await #expect(throws: SyncServiceError.self) {
            _ = try await fixture.service(lock: BrokenLock()).sync(.all, dryRun: false, trigger: .api)
        }
    }

    @Test("two syncs at once in one process: the second is busy, never queued")
    func concurrent() async throws {
        let fixture = try SyncFixture()
        let service = SyncService(
            runner: SlowRunner(base: fixture.runner()), lock: LocalSyncLock(), logger: SyncFixture.logger)
        let first = Task { try await service.sync(.all, dryRun: false, trigger: .api) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(service.status().running)
        let began = ContinuousClock.now
        let second = try await service.sync(.all, dryRun: false, trigger: .loop)
        #expect(ContinuousClock.now - began < .milliseconds(300))
        guard case .busy = second else {
            Issue.record("expected the second sync to be busy")
            return
        }
        _ = try Self.report(try await first.value)
        #expect(!service.status().running)
        // Free again: the next one runs.
        _ = try Self.report(try await service.sync(.all, dryRun: false, trigger: .loop))
    }
}

/// Holds each sync for a while, so that another can meet it.
struct SlowRunner: SyncStageRunner {
    let base: any SyncStageRunner
    func run(stages: SyncStages, dryRun: Bool, allowEmpty: Bool, refresh: Bool, logger: Logger) async -> SyncReport {
        try? await Task.sleep(for: .milliseconds(600))
        return await self.base.run(
            stages: stages, dryRun: dryRun, allowEmpty: allowEmpty, refresh: refresh, logger: logger)
    }
}

@Suite("SyncReport bounds")
struct SyncReportBoundsTests {
    @Test("errors keep 100 and count the rest; changes keep 1000")
    func bounds() {
        var report = SyncReport(dryRun: false, startedAt: Date())
        for n in 0..<150 { report.addError(stage: .definitions, item: "f\(n)", message: "bad") }
        for n in 0..<1200 { report.addChange(stage: .definitions, item: "d\(n)", action: "create") }
        #expect(report.errors.count == 100)
        #expect(report.errorsTruncated == 50)
        #expect(report.changes.count == 1000)
        #expect(!report.ok)
    }
}
