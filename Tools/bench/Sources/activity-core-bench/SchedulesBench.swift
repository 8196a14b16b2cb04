import Coordination
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
            address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233",
            namespace: environment["BENCH_NAMESPACE"] ?? "default")
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let prefix = "bench-\(run)-"
        let schema = "bench_\(run)"

        // BENCH_DISTINCT=1: every cron its own (as Tools/bench/sdk_schedules_peer.py's), else 60.
        let distinct = environment["BENCH_DISTINCT"] == "1"
        @Sendable func definitions(hour: Int) -> [ActivityDefinition] {
            (0..<count).map { index in
                ActivityDefinition(
                    id: String(format: "bench-%05d", index),
                    enabled: index % 10 != 9,
                    trigger: .cron(
                        CronTrigger(
                            cronExpression: "\(index % 60) \(distinct ? (index / 60 + hour) % 24 : hour) * * *",
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
            let clientStart = ContinuousClock.now
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
                /// Where a repeat sync's time goes: the list alone, the applied rows alone.
                func parts() async throws {
                    counter.reset()
                    let clock = ContinuousClock()
                    var start = clock.now
                    let listed = try await service.listSchedules(prefix: prefix)
                    emit(
                        "list     wall \(BenchTime.seconds(clock.now - start)) s  rpcs \(counter.total)  listed \(listed.count)"
                    )
                    start = clock.now
                    var token = Data()
                    var pages: [String] = []
                    var entries: [Temporal_Api_Schedule_V1_ScheduleListEntry] = []
                    repeat {
                        var request = Temporal_Api_Workflowservice_V1_ListSchedulesRequest()
                        request.namespace = temporalConfiguration.namespace
                        request.maximumPageSize = Int32(environment["BENCH_PAGE"] ?? "1000") ?? 1000
                        request.nextPageToken = token
                        let pageStart = clock.now
                        let response = try await temporal.call("ListSchedules") {
                            [request] service, metadata, options in
                            try await service.listSchedules(request, metadata: metadata, options: options)
                        }
                        pages.append("\(response.schedules.count):\(BenchTime.seconds(clock.now - pageStart))")
                        entries += response.schedules
                        token = response.nextPageToken
                    } while !token.isEmpty
                    emit(
                        "raw list wall \(BenchTime.seconds(clock.now - start)) s  pages \(pages.joined(separator: " "))"
                    )
                    start = clock.now
                    let summaries = entries.map(TemporalScheduleService.summary(of:))
                    emit("entries  wall \(BenchTime.seconds(clock.now - start)) s  summaries \(summaries.count)")
                    start = clock.now
                    let desired = ScheduleProjection(prefix: prefix, taskQueue: "bench-tq").project(
                        definitions(hour: 6))
                    emit("project  wall \(BenchTime.seconds(clock.now - start)) s  schedules \(desired.count)")
                    start = clock.now
                    let hashes = desired.values.map(\.specHash)
                    emit("hashes   wall \(BenchTime.seconds(clock.now - start)) s  hashes \(hashes.count)")
                    start = clock.now
                    let rows = try await PostgresAppliedScheduleStore(database: database).applied()
                    emit("applied  wall \(BenchTime.seconds(clock.now - start)) s  rows \(rows.count)")
                    // The repeat sync over the list just read: everything but the server's time.
                    let offline = ScheduleSync(
                        service: ListedScheduleService(listed: summaries.filter { $0.scheduleID.hasPrefix(prefix) }),
                        applied: PostgresAppliedScheduleStore(database: database),
                        projection: sync.projection)
                    let input = definitions(hour: 6)
                    var times: [Duration] = []
                    for _ in 0..<(Int(environment["BENCH_OFFLINE_RUNS"] ?? "5") ?? 5) {
                        start = clock.now
                        let report = try await offline.sync(definitions: input, logger: logger)
                        times.append(clock.now - start)
                        guard report.unchanged == count, report.errors.isEmpty else {
                            throw ListedScheduleService.UnexpectedCall(call: "a change: \(report.errors)")
                        }
                    }
                    emit(
                        "offline  wall \(times.map(BenchTime.seconds).joined(separator: " ")) s (sync without the server's list)"
                    )
                }
                /// Describes every schedule over and over (16 at a time) on the one connection for
                /// `seconds`: a failure is printed with the seconds since the client started (a
                /// server closes long-lived connections, Temporal's frontend after 5 minutes).
                func soak(seconds: Int) async throws {
                    let ids = try await service.listSchedules(prefix: prefix).map(\.scheduleID)
                    let end = clientStart + .seconds(seconds)
                    var calls = 0
                    var failures = 0
                    while ContinuousClock.now < end {
                        let errors = await LimitedConcurrency.map(ids, limit: 16) { id -> String? in
                            let start = ContinuousClock.now
                            do {
                                _ = try await service.describeSchedule(id: id)
                                return nil
                            } catch {
                                return
                                    "at \(BenchTime.seconds(start - clientStart)) s, after \(BenchTime.seconds(ContinuousClock.now - start)) s: \(error)"
                            }
                        }
                        calls += ids.count
                        for case let error? in errors {
                            failures += 1
                            emit("soak     \(error)")
                        }
                    }
                    emit("soak     \(calls) describes over \(seconds) s, \(failures) failed")
                }
                let phases = Set((environment["BENCH_PHASES"] ?? "first,repeat,refresh,changed").split(separator: ","))
                do {
                    try await phase("first", definitions(hour: 6))
                    try await settle(paused: count / 10)
                    if phases.contains("parts") { try await parts() }
                    if phases.contains("soak") {
                        try await soak(seconds: Int(environment["BENCH_SOAK_SECONDS"] ?? "420") ?? 420)
                    }
                    if phases.contains("repeat") { try await phase("repeat", definitions(hour: 6)) }
                    if phases.contains("refresh") { try await phase("refresh", definitions(hour: 6), refresh: true) }
                    if phases.contains("changed") { try await phase("changed", definitions(hour: 7)) }
                } catch {
                    emit("error: \(error)")
                }
                counter.reset()
                let clock = ContinuousClock()
                let start = clock.now
                let leftovers = try await service.listSchedules(prefix: prefix).map(\.scheduleID)
                await withTaskGroup(of: Void.self) { group in
                    // 16 at a time, as a sync writes.
                    for (index, id) in leftovers.enumerated() {
                        if index >= 16 { await group.next() }
                        group.addTask { _ = try? await service.deleteSchedule(id: id) }
                    }
                }
                emit(
                    "cleanup  wall \(BenchTime.seconds(clock.now - start)) s (\(leftovers.count) deletes, 16 at a time)"
                )
            }
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }

    }
}
