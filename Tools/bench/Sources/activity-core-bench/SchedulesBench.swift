import Definitions
import Foundation
import Logging
import Postgres
import PostgresNIO
import Schedules
import Temporal

/// First, repeat, refresh (plan --refresh: a dry run describing every schedule) and
/// all-changed schedule syncs of COUNT cron definitions.
enum SchedulesBench {
    static func run(count: Int, environment: [String: String], logger: Logger) async throws {
        let url = try DatabaseURL(
            environment["DATABASE_URL"] ?? "postgres://activity:activity@127.0.0.1:5432/activity_core")
        let temporalConfiguration = try TemporalConfiguration(
            address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233")
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let prefix = "bench-\(run)-"
        let schema = "bench_\(run)"

        @Sendable func definitions(hour: Int) -> [ActivityDefinition] {
            (0..<count).map { index in
                ActivityDefinition(
                    id: String(format: "bench-%05d", index),
                    enabled: index % 10 != 9,
                    trigger: .cron(
                        CronTrigger(
                            cronExpression: "\(index % 60) \(hour) * * *",
                            timezone: index % 2 == 0 ? "UTC" : "Europe/Berlin",
                            misfirePolicy: index % 3 == 0 ? .catchupLatest : .skip
                        )
                    ),
                    document: .null
                )
            }
        }

        let counter = RPCCounter()
        try await ActivityDatabase.withClient(url: url, logger: logger) { client in
            let database = try ActivityDatabase(client: client, schema: schema, logger: logger)
            try await Migrator(database: database).migrate()
            try await TemporalClient.withClient(configuration: temporalConfiguration, counter: counter, logger: logger)
            { temporal in
                let service = TemporalScheduleService(client: temporal)
                let sync = ScheduleSync(
                    service: service,
                    applied: PostgresAppliedScheduleStore(database: database),
                    projection: ScheduleProjection(prefix: prefix, taskQueue: "bench-tq"),
                    parallelism: Int(environment["BENCH_PARALLELISM"] ?? "16") ?? 16
                )
                emit("schedule sync, \(count) cron definitions, prefix \(prefix), parallelism \(sync.parallelism)")
                func phase(_ name: String, _ input: [ActivityDefinition], refresh: Bool = false) async throws {
                    counter.reset()
                    let clock = ContinuousClock()
                    let start = clock.now
                    let report = try await sync.sync(
                        definitions: input, dryRun: refresh, refresh: refresh, logger: logger)
                    let elapsed = clock.now - start
                    let rpcs = counter.snapshot.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: " ")
                    emit(
                        "\(name.padding(toLength: 8, withPad: " ", startingAt: 0)) wall \(BenchTime.seconds(elapsed)) s  rpcs \(counter.total) (\(rpcs))  created \(report.created) updated \(report.updated) unchanged \(report.unchanged) paused \(report.paused) drifted \(report.drifted) errors \(report.errors.count)"
                    )
                }
                /// The list is eventually consistent: wait until it shows every schedule before the
                /// repeat sync, so that the repeat measures steady state.
                func settle(paused expected: Int) async throws {
                    for _ in 0..<600 {
                        let listed = try await service.listSchedules(prefix: prefix)
                        if listed.count == count && listed.filter(\.paused).count == expected { return }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                do {
                    try await phase("first", definitions(hour: 6))
                    try await settle(paused: count / 10)
                    try await phase("repeat", definitions(hour: 6))
                    try await phase("refresh", definitions(hour: 6), refresh: true)
                    try await phase("changed", definitions(hour: 7))
                } catch {
                    emit("error: \(error)")
                }
                counter.reset()
                let clock = ContinuousClock()
                let start = clock.now
                for schedule in try await service.listSchedules(prefix: prefix) {
                    _ = try? await service.deleteSchedule(id: schedule.scheduleID)
                }
                emit("cleanup  wall \(BenchTime.seconds(clock.now - start)) s (sequential deletes)")
            }
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }

    }
}
