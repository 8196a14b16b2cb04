import Definitions
import Foundation
import HTTPActions
import Logging
import Postgres
import PostgresNIO
import Runs
import Temporal
import TestSupport
import Worker

/// activity-core's side of `Tools/bench/runs-vs-sdk`: manual runs of an http definition whose
/// receiver (in this process) answers at once, through an in-process worker in its default
/// configuration on the namespace given, kept 1, 10 and 64 in flight (a closed loop: a run's
/// workflow completes, the next starts). Per level one `RESULT` line: runs/s, trigger -> action
/// call p50/p99 (from just before the start call to the receiver's arrival of the action's
/// request) and the history events of the level's runs (mean). `shape` `1.0` runs the
/// workflow as 1.0.0 did (bookkeeping as activity tasks, no eager start or activity).
enum EchoRunsBench {
    static let levels = [1, 10, 64]

    /// The runs of a level: `count` at 64 in flight, a quarter at 10, a tenth at 1.
    static func runs(level: Int, count: Int) -> Int {
        switch level {
        case 1: max(10, count / 10)
        case 10: max(20, count / 4)
        default: count
        }
    }

    static func run(count: Int, environment: [String: String], logger: Logger) async throws {
        let shape = RunWorkerFactory.RuntimeShape(rawValue: environment["BENCH_SHAPE"] ?? "current") ?? .current
        let side = shape == .current ? "activity-core" : "activity-core-1.0"
        let url = try DatabaseURL(
            environment["DATABASE_URL"] ?? "postgres://activity:activity@127.0.0.1:5432/activity_core")
        let temporalConfiguration = try TemporalConfiguration(
            address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233",
            namespace: environment["BENCH_NAMESPACE"] ?? "default")
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let schema = "bench_\(id)"
        let taskQueue = "bench-echo-\(id)"
        let receiver = try await HTTPReceiver()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("activity-core-bench-\(id)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        id: bench-echo
        action: {type: http, url: "\(receiver.url)", retry: {max_attempts: 3, initial_interval_seconds: 1}}
        """.write(to: folder.appendingPathComponent("echo.yaml"), atomically: true, encoding: .utf8)

        try await ActivityDatabase.withClient(url: url, logger: logger) { client in
            let database = try ActivityDatabase(client: client, schema: schema, logger: logger)
            try await Migrator(database: database).migrate()
            _ = try await DocumentSync(store: PostgresDefinitionStore(database: database)).sync(
                roots: [folder.path], logger: logger)
            try await TemporalClient.withClient(configuration: temporalConfiguration, logger: logger) { temporal in
                let clients = HTTPActionClients(concurrentActions: 200)
                let totals = TimerTotals()
                let eagerStarts = EagerWorkflowStarts()
                let worker = RunWorkerFactory.make(
                    client: temporal, database: database, taskQueue: taskQueue, defaultActionURL: nil,
                    http: HTTPActionExecutor(clients: clients, policy: .loopbackAllowed),
                    publisher: LoggingEventPublisher(logger: logger), logger: logger, metrics: totals,
                    eagerStarts: eagerStarts, shape: shape)
                let running = Task { try? await worker.run() }
                let trigger = ManualTrigger(client: temporal, taskQueue: taskQueue, eager: eagerStarts)
                let loop = ClosedLoop(trigger: trigger, totals: totals)
                emit("\(side): echo runs through an in-process worker, namespace \(temporalConfiguration.namespace)")
                // Warm-up: connections, caches, the worker's first polls.
                _ = try await loop.run(runs: 10, inFlight: 5)
                for level in Self.levels {
                    let runs = Self.runs(level: level, count: count)
                    let clock = ContinuousClock()
                    let start = clock.now
                    let started = try await loop.run(runs: runs, inFlight: level)
                    let elapsed = start.duration(to: clock.now)
                    var latencies: [Duration] = []
                    let arrivals = Dictionary(
                        receiver.requests.compactMap { request -> (String, ContinuousClock.Instant)? in
                            guard let id = try? JSONValue.parse(request.body)["workflow_id"]?.stringValue else {
                                return nil
                            }
                            return (id, request.receivedAt)
                        }, uniquingKeysWith: { first, _ in first })
                    for run in started {
                        if let arrival = arrivals[run.workflowID] {
                            latencies.append(run.triggered.duration(to: arrival))
                        }
                    }
                    latencies.sort()
                    var events = 0
                    let sample = started.prefix(20)
                    for run in sample { events += try await Self.historyLength(run.workflowID, client: temporal) }
                    emit(
                        "RESULT side=\(side) level=\(level) runs=\(runs) seconds="
                            + String(format: "%.2f", BenchTime.value(elapsed))
                            + String(format: " runs_per_s=%.1f", Double(runs) / BenchTime.value(elapsed))
                            + " p50_ms=\(BenchTime.milliseconds(BenchTime.quantile(latencies, 0.5)))"
                            + " p99_ms=\(BenchTime.milliseconds(BenchTime.quantile(latencies, 0.99)))"
                            + String(format: " events_per_run=%.1f", Double(events) / Double(max(1, sample.count)))
                            + " eager_workflow=\(worker.eagerTasks.workflow) eager_activity=\(worker.eagerTasks.activity)"
                    )
                }
                worker.stop()
                _ = await running.value
                await clients.shutdown()
            }
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }
        await receiver.close()
        try? FileManager.default.removeItem(at: folder)
    }

    static func historyLength(_ workflowID: String, client: TemporalClient) async throws -> Int {
        var request = Temporal_Api_Workflowservice_V1_GetWorkflowExecutionHistoryRequest()
        request.namespace = client.configuration.namespace
        request.execution.workflowID = workflowID
        return try await client.call("GetWorkflowExecutionHistory") { [request] service, metadata, options in
            try await service.getWorkflowExecutionHistory(request, metadata: metadata, options: options)
        }.history.events.count
    }

    /// Starts runs keeping `inFlight` of them with workflows not completed (as the worker
    /// counts its completions), the next as soon as one completes.
    struct ClosedLoop {
        let trigger: ManualTrigger
        let totals: TimerTotals

        struct Started {
            var workflowID: String
            var triggered: ContinuousClock.Instant
        }

        func run(runs: Int, inFlight: Int) async throws -> [Started] {
            let before = self.totals.counter("temporal_workflow_completed")
            var started: [Started] = []
            var done = 0
            while done < runs {
                while started.count < runs && started.count - done < inFlight {
                    let triggered = ContinuousClock.now
                    started.append(
                        Started(
                            workflowID: try await self.trigger.start(activityID: "bench-echo"), triggered: triggered))
                }
                try await Task.sleep(for: .milliseconds(1))
                done = Int(self.totals.counter("temporal_workflow_completed") - before)
            }
            return started
        }
    }
}
