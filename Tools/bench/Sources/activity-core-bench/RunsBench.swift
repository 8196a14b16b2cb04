import AsyncHTTPClient
import Definitions
import Foundation
import Logging
import Postgres
import PostgresNIO
import Runs
import Temporal
import TestSupport
import Worker

/// COUNT manual runs of an http definition through the whole loop: StartWorkflowExecution,
/// workflow task, PrepareRun, ExecuteAction (the HTTP call to a local receiver), FinishRun,
/// completion. Prints the time from start to action call (p50/p99) and runs per second.
enum RunsBench {
    static func run(count: Int, environment: [String: String], logger: Logger) async throws {
        let url = try DatabaseURL(
            environment["DATABASE_URL"] ?? "postgres://activity:activity@127.0.0.1:5432/activity_core")
        let temporalConfiguration = try TemporalConfiguration(
            address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233")
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let schema = "bench_\(id)"
        let taskQueue = "bench-tq-\(id)"
        let receiver = try await HTTPReceiver()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("activity-core-bench-\(id)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        id: bench-run
        action: {type: http, url: "\(receiver.url)", retry: {max_attempts: 3, initial_interval_seconds: 1}}
        """.write(to: folder.appendingPathComponent("run.yaml"), atomically: true, encoding: .utf8)

        try await ActivityDatabase.withClient(url: url, logger: logger) { client in
            let database = try ActivityDatabase(client: client, schema: schema, logger: logger)
            try await Migrator(database: database).migrate()
            _ = try await DocumentSync(store: PostgresDefinitionStore(database: database)).sync(
                roots: [folder.path], logger: logger)
            try await TemporalClient.withClient(configuration: temporalConfiguration, logger: logger) { temporal in
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                let worker = RunWorkerFactory.make(
                    client: temporal,
                    database: database,
                    taskQueue: taskQueue,
                    defaultActionURL: nil,
                    http: http,
                    publisher: LoggingEventPublisher(logger: logger),
                    logger: logger,
                    workflowPollers: 8,
                    activityPollers: 16
                )
                let running = Task { try? await worker.run() }
                let trigger = ManualTrigger(client: temporal, taskQueue: taskQueue)
                let runs = PostgresRunStore(database: database)
                emit(
                    "runs through the whole loop: \(count) manual runs, http action to a local receiver, task queue \(taskQueue)"
                )
                _ = try await Self.batch(5, trigger: trigger)
                _ = try await receiver.waitForRequests(5, timeout: .seconds(60))

                let clock = ContinuousClock()
                let start = clock.now
                let started = try await Self.batch(count, trigger: trigger)
                _ = try await receiver.waitForRequests(count + 5, timeout: .seconds(600))
                var succeeded = 0
                while clock.now - start < .seconds(600) {
                    succeeded = try await runs.recent(activityID: "bench-run", limit: count + 5).filter {
                        $0.status == .succeeded
                    }.count
                    let finished = try await runs.recent(activityID: "bench-run", limit: count + 5).filter {
                        $0.status != .running
                    }.count
                    if finished >= count + 5 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let elapsed = clock.now - start
                var latencies: [Duration] = []
                for request in receiver.requests {
                    if let key = request.headers["idempotency-key"], let begin = started[key] {
                        latencies.append(request.receivedAt - begin)
                    }
                }
                latencies.sort()
                emit(
                    "runs \(count)  succeeded \(succeeded - 5)  failed \(count + 5 - succeeded)  wall \(BenchTime.seconds(elapsed)) s  "
                        + String(format: "%.1f runs/s", Double(count) / BenchTime.value(elapsed))
                )
                emit(
                    "burst: start -> action call  p50 \(BenchTime.milliseconds(BenchTime.quantile(latencies, 0.5))) ms  "
                        + "p99 \(BenchTime.milliseconds(BenchTime.quantile(latencies, 0.99))) ms  "
                        + "max \(BenchTime.milliseconds(latencies.last ?? .zero)) ms  (n = \(latencies.count))"
                )
                // Latency without queueing: one run at a time.
                var single: [Duration] = []
                for _ in 0..<50 {
                    let before = receiver.count
                    let begin = ContinuousClock.now
                    _ = try await trigger.start(activityID: "bench-run")
                    let requests = try await receiver.waitForRequests(before + 1, timeout: .seconds(60))
                    if let last = requests.last { single.append(last.receivedAt - begin) }
                }
                single.sort()
                emit(
                    "one at a time: start -> action call  p50 \(BenchTime.milliseconds(BenchTime.quantile(single, 0.5))) ms  "
                        + "p99 \(BenchTime.milliseconds(BenchTime.quantile(single, 0.99))) ms  (n = \(single.count))"
                )
                worker.stop()
                _ = await running.value
                try? await http.shutdown()
            }
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }
        await receiver.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts `count` runs, 16 at a time; returns each workflow ID's start instant.
    static func batch(_ count: Int, trigger: ManualTrigger) async throws -> [String: ContinuousClock.Instant] {
        try await withThrowingTaskGroup(of: (String, ContinuousClock.Instant).self) { group in
            var started: [String: ContinuousClock.Instant] = [:]
            var remaining = count
            func add() {
                guard remaining > 0 else { return }
                remaining -= 1
                group.addTask {
                    let now = ContinuousClock.now
                    return (try await trigger.start(activityID: "bench-run"), now)
                }
            }
            for _ in 0..<16 { add() }
            while let (workflowID, instant) = try await group.next() {
                started[workflowID] = instant
                add()
            }
            return started
        }
    }
}
