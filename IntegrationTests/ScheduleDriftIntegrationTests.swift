import Definitions
import Foundation
import Postgres
import Schedules
import Temporal
import Testing

/// Drift against the real Temporal dev server (CONTRACT section 8): an owned schedule changed
/// by hand (as `temporal schedule update` or the UI would) is seen by the next plain sync from
/// the list alone and updated back.
@Suite("Schedule drift against Temporal")
struct ScheduleDriftIntegrationTests {
    @Test("a list entry's spec and a describe's spec have the same observed form (zone data left out)")
    func listAndDescribeAgree() async throws {
        try await ScheduleSyncIntegrationTests.withSync { sync, service, _ in
            let prefix = sync.projection.prefix
            let definitions = [
                ScheduleSyncIntegrationTests.definition("berlin", cron: "30 6 * * MON-FRI", timezone: "Europe/Berlin"),
                ScheduleSyncIntegrationTests.definition("utc", cron: "*/15 * * * *"),
            ]
            let first = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(first.created == 2, "\(first.errors)")
            let listed = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 2 }
            for summary in listed {
                let described = try #require(try await service.describeSchedule(id: summary.scheduleID))
                #expect(summary.observedSpec != nil)
                #expect(summary.observedSpec == described.observedSpec, "\(summary.scheduleID)")
            }
            #expect(Set(listed.compactMap(\.observedSpec)).count == 2)
        }
    }

    @Test("a hand-changed cron is corrected by the next plain sync; without drift a sync is one ListSchedules")
    func handChangedCronCorrected() async throws {
        try await ScheduleSyncIntegrationTests.withSync { sync, service, counter in
            let prefix = sync.projection.prefix
            let id = prefix + "digest"
            let definitions = [ScheduleSyncIntegrationTests.definition("digest", cron: "0 6 * * *")]
            let created = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(created.created == 1, "\(created.errors)")
            let original = try #require(try await service.describe(id)).schedule.spec.structuredCalendar
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 1 }
            // The first sync that lists it learns its observed form; nothing is written.
            counter.reset()
            let learned = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(learned.changes.isEmpty && learned.drifted == 0, "\(learned.changes)")
            #expect(ScheduleSyncIntegrationTests.writes(counter) == 0)
            // Nothing drifted: one ListSchedules, no describe, no write.
            counter.reset()
            let quiet = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(quiet.changes.isEmpty && quiet.drifted == 0)
            #expect(counter.snapshot == ["ListSchedules": 1], "\(counter.snapshot)")

            // By hand: every five minutes, written around activity-core (its records untouched).
            let before = try #require(try await service.listSchedules(prefix: prefix).first?.observedSpec)
            var edited = try #require(
                ScheduleProjection(prefix: prefix, taskQueue: "it-\(prefix)tq").project(
                    [ScheduleSyncIntegrationTests.definition("digest", cron: "*/5 * * * *")]
                )[id])
            edited.paused = false
            try await service.updateSchedule(edited, paused: false, notes: "")
            _ = try await TestTemporal.waitForList(service, prefix: prefix) {
                $0.first?.observedSpec != nil && $0.first?.observedSpec != before
            }

            let report = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(report.drifted == 1, "\(report.changes) \(report.warnings) \(report.errors)")
            #expect(report.corrected == 1)
            #expect(report.changes.map(\.action) == ["correct"])
            #expect(report.changes.first?.fields == ["spec"])
            let after = try #require(try await service.describe(id)).schedule.spec.structuredCalendar
            #expect(after == original)

            // Corrected and recorded: once the list has caught up, quiet again.
            _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.first?.observedSpec == before }
            counter.reset()
            let again = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(again.changes.isEmpty && again.drifted == 0, "\(again.changes)")
            #expect(counter.snapshot == ["ListSchedules": 1], "\(counter.snapshot)")
        }
    }
}
