import Definitions
import Foundation
import Logging
import Schedules
import Sync
import Testing

/// The deletion guards across stages: what the definitions stage found decides what the
/// schedules stage may remove, and `allow_empty` reaches both.
@Suite("Sync deletion guards across stages")
struct SyncGuardTests {
    static func ran(_ outcome: SyncOutcome) throws -> SyncReport {
        try SyncServiceTests.report(outcome)
    }

    /// A runner whose roots are `roots` instead of the fixture's.
    static func runner(_ fixture: SyncFixture, roots: [String]) -> some SyncStageRunner {
        SyncRunner(
            roots: roots, definitions: fixture.definitions, eventTypes: fixture.eventTypes,
            schedules: ScheduleSync(
                service: fixture.temporal, applied: fixture.applied, projection: ScheduleProjection(prefix: "test-")))
    }

    @Test("a mistyped root on a fresh store deletes none of the owned schedules already in Temporal")
    func freshStoreMissingRoot() async throws {
        let fixture = try SyncFixture()
        // Schedules left by an earlier deployment (the Python activity-core): owned, no row here.
        for id in ["test-old-a", "test-old-b"] {
            try await fixture.temporal.createSchedule(
                DesiredSchedule(
                    scheduleID: id, activityID: id, cronExpression: "@daily", timezone: "UTC", jitterSeconds: 0,
                    overlap: .skip, catchupWindowSeconds: 60, paused: false, workflowType: "RunActivityWorkflow",
                    workflowID: "activity-" + id, taskQueue: "q", input: .null, memo: [:]),
                notes: "")
        }
        let report = await Self.runner(fixture, roots: [fixture.root.path + "-typo"]).run(
            stages: .standard, dryRun: false, logger: SyncFixture.logger)
        #expect(!report.ok)
        #expect(report.errors.contains { $0.message.contains("does not exist") })
        #expect(report.schedules?.deletedOrphans == 0)
        #expect(fixture.temporal.schedules.count == 2)
        #expect(
            report.warnings.contains { $0.contains("2 orphan schedule(s) kept") && $0.contains("-typo did not load") })
    }

    @Test("a missing root with allow_empty still deletes nothing: a root that did not load is no empty deployment")
    func missingRootWithAllowEmpty() async throws {
        let fixture = try SyncFixture()
        let first = await Self.runner(fixture, roots: [fixture.root.path]).run(
            stages: .standard, dryRun: false, logger: SyncFixture.logger)
        #expect(first.schedules?.created == 1)
        let report = await Self.runner(fixture, roots: [fixture.root.path + "-typo"]).run(
            stages: .standard, dryRun: false, allowEmpty: true, logger: SyncFixture.logger)
        #expect(report.definitions?.retired == 0)
        #expect(report.schedules?.deletedOrphans == 0)
        #expect(fixture.temporal.schedules.count == 1)
    }

    @Test("removing every definition file is refused with an allow_empty error per stage; allowed, it proceeds")
    func emptyingNeedsAllowEmpty() async throws {
        let fixture = try SyncFixture()
        let service = fixture.service()
        _ = try Self.ran(try await service.sync(.all, dryRun: false, trigger: .api))
        #expect(fixture.temporal.schedules.count == 1)
        for file in ["activity-definitions/digest.yaml", "activity-definitions/on-push.yaml", "event-types/push.yaml"] {
            try FileManager.default.removeItem(at: fixture.root.appendingPathComponent(file))
        }
        // Something must still load, or the root counts as not loaded: a manual-only definition.
        try fixture.write(
            "activity-definitions/manual.yaml", "id: manual-only\naction: {type: echo}\n")

        let refused = try Self.ran(try await service.sync(.all, dryRun: false, trigger: .api))
        #expect(!refused.ok)
        let items = refused.errors.filter { $0.item == SyncReport.allowEmptyItem }
        #expect(items.map(\.stage.rawValue).sorted() == ["event_types", "schedules"])
        #expect(items.allSatisfy { $0.message.contains("allow_empty=true") })
        #expect(fixture.temporal.schedules.count == 1)
        #expect(try await fixture.eventTypes.records().allSatisfy { !$0.isRetired })

        let allowed = try Self.ran(try await service.sync(.all, dryRun: false, allowEmpty: true, trigger: .api))
        #expect(allowed.ok)
        #expect(allowed.schedules?.deletedOrphans == 1)
        #expect(fixture.temporal.schedules.isEmpty)
        #expect(try await fixture.eventTypes.records().allSatisfy(\.isRetired))
    }

    @Test("a store that cannot be read holds every orphan")
    func storeErrorHolds() async throws {
        let fixture = try SyncFixture()
        _ = try Self.ran(try await fixture.service().sync(.standard, dryRun: false, trigger: .api))
        #expect(fixture.temporal.schedules.count == 1)
        let report = try Self.ran(
            try await fixture.service(definitions: UnreachableStore()).sync(.standard, dryRun: false, trigger: .api))
        #expect(!report.ok)
        #expect(report.errors.map(\.item).contains("store"))
        #expect(fixture.temporal.schedules.count == 1)
    }

    @Test("a definition the store refuses holds orphans and is an error naming its file")
    func refusedWriteHolds() async throws {
        let fixture = try SyncFixture()
        _ = try Self.ran(try await fixture.service().sync(.standard, dryRun: false, trigger: .api))
        try fixture.write(
            "activity-definitions/digest.yaml",
            "id: renamed\ntrigger: {type: cron, cron_expression: \"0 * * * *\"}\naction: {type: echo}\n")
        fixture.definitions.refuse(id: "renamed", reason: "value too long (SQLSTATE 22001)")
        let report = try Self.ran(try await fixture.service().sync(.standard, dryRun: false, trigger: .api))
        #expect(report.errors.contains { $0.item.hasSuffix("digest.yaml") && $0.message.contains("renamed") })
        #expect(report.schedules?.deletedOrphans == 0)
        #expect(fixture.temporal.schedules["test-digest"] != nil)
    }

    @Test("an unreadable stored definition keeps its schedule, in a schedules-only sync too")
    func unreadableRowKeepsSchedule() async throws {
        let fixture = try SyncFixture()
        _ = try Self.ran(try await fixture.service().sync(.standard, dryRun: false, trigger: .api))
        fixture.definitions.putUnreadable(
            UnreadableRecord(id: "digest", source: nil, column: "spec", message: "hand-edited"))
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("activity-definitions/digest.yaml"))
        for stages in [SyncStages.standard, SyncStages(definitions: false, eventTypes: false, schedules: true)] {
            let report = try Self.ran(try await fixture.service().sync(stages, dryRun: false, trigger: .api))
            #expect(report.schedules?.deletedOrphans == 0)
            #expect(fixture.temporal.schedules["test-digest"] != nil)
        }
    }

    @Test("a configured root that is simply empty (nothing came from it) holds no orphan of the other roots")
    func emptyExtraRootHoldsNothing() async throws {
        let fixture = try SyncFixture()
        let empty = fixture.root.path + "-empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let roots = [fixture.root.path, empty]
        _ = await Self.runner(fixture, roots: roots).run(stages: .standard, dryRun: false, logger: SyncFixture.logger)
        #expect(fixture.temporal.schedules.count == 1)
        try fixture.write(
            "activity-definitions/digest.yaml",
            "id: renamed\ntrigger: {type: cron, cron_expression: \"0 6 * * *\"}\naction: {type: echo}\n")
        let report = await Self.runner(fixture, roots: roots).run(
            stages: .standard, dryRun: false, logger: SyncFixture.logger)
        #expect(report.ok, "\(report.errors)")
        #expect(report.schedules?.created == 1)
        #expect(report.schedules?.deletedOrphans == 1)
        #expect(Set(fixture.temporal.schedules.keys) == ["test-renamed"])
    }
}
