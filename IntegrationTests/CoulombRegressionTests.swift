import Definitions
import Foundation
import Postgres
import Schedules
import Sync
import Temporal
import Testing
import Worker

/// The regression activity-core exists for: a definition renamed in its file from hourly to
/// daily is one sync, in the same process: the daily schedule appears and the hourly one is
/// deleted (or paused), no restart.
@Suite("Coulomb rename regression")
struct CoulombRegressionTests {
    static let hourly = """
        type: activity-definition
        id: coulomb-hourly-coach-orientation
        trigger:
          type: cron
          cron_expression: "0 * * * *"

        """

    static let daily = """
        type: activity-definition
        id: coulomb-daily-coach-orientation
        trigger:
          type: cron
          cron_expression: "0 6 * * *"
          timezone: Europe/Berlin

        """

    @Test("hourly -> daily in one sync", arguments: [OrphanPolicy.delete, .pause])
    func rename(policy: OrphanPolicy) async throws {
        let prefix = TestTemporal.newPrefix()
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            try await TestTemporal.withClient { client in
                let folder = try TemporaryFolder()
                try folder.write("activity-definitions/coach.yaml", Self.hourly)
                let service = TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout)
                let runner = SyncRunner(
                    roots: [folder.path],
                    definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
                    eventTypes: PostgresDocumentStore<EventTypeDefinition>(database: database),
                    schedules: ScheduleSync(
                        service: service,
                        applied: PostgresAppliedScheduleStore(database: database),
                        projection: ScheduleProjection(prefix: prefix, taskQueue: "orchestrator-tq"),
                        orphanPolicy: policy
                    )
                )
                var failure: (any Error)?
                do {
                    let first = await runner.run(stages: .standard, dryRun: false, logger: TestDatabase.logger)
                    #expect(first.ok, "\(first.errors)")
                    #expect(first.schedules?.created == 1)
                    _ = try await TestTemporal.waitForList(service, prefix: prefix) { $0.count == 1 }

                    try folder.write("activity-definitions/coach.yaml", Self.daily)
                    let renamed = await runner.run(stages: .standard, dryRun: false, logger: TestDatabase.logger)
                    #expect(renamed.ok, "\(renamed.errors)")
                    #expect(renamed.definitions?.upserted == 1)
                    #expect(renamed.definitions?.retired == 1)
                    #expect(renamed.schedules?.created == 1)
                    let daily = try #require(try await service.describe(prefix + "coulomb-daily-coach-orientation"))
                    #expect(daily.schedule.spec.timezoneName == "Europe/Berlin")
                    #expect(!daily.schedule.state.paused)
                    let hourly = try await service.describe(prefix + "coulomb-hourly-coach-orientation")
                    switch policy {
                    case .delete:
                        #expect(renamed.schedules?.deletedOrphans == 1)
                        #expect(hourly == nil)
                    case .pause:
                        #expect(renamed.schedules?.paused == 1)
                        #expect(hourly?.schedule.state.paused == true)
                        #expect(hourly?.schedule.state.notes == ScheduleNotes.orphaned)
                    }
                } catch {
                    failure = error
                }
                await TestTemporal.deleteAll(prefix: prefix, service: service)
                if let failure { throw failure }
            }
        }
    }
}
