import AsyncHTTPClient
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
import Workflows

/// Manual runs of an http definition through the whole loop (StartWorkflowExecution, workflow
/// tasks, PrepareRun, ExecuteAction calling a local receiver that answers after `actionDelay`,
/// FinishRun) with an in-process worker in its default configuration, kept at 1, 10 and 100
/// runs in flight (a closed loop: a run ends, the next starts). Per level: runs/s, and the
/// schedule-to-start latency p50/p99 of the workflow and activity tasks, read from the
/// workflows' histories (the server's clock, so the same for any worker runtime).
enum RunsBench {
    static let actionDelay = Duration.milliseconds(500)
    static let levels = [1, 10, 100]

    static func run(count: Int, environment: [String: String], logger: Logger) async throws {
        let url = try DatabaseURL(
            environment["DATABASE_URL"] ?? "postgres://activity:activity@127.0.0.1:5432/activity_core")
        let temporalConfiguration = try TemporalConfiguration(
            address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233")
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let schema = "bench_\(id)"
        let taskQueue = "bench-tq-\(id)"
        let receiver = try await HTTPReceiver(delay: Self.actionDelay)
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
                // Connections enough for every action in flight, so the runtime is what is measured.
                let clients = HTTPActionClients(concurrentActions: 200)
                // The receiver is on loopback, as in local development.
                let http = HTTPActionExecutor(clients: clients, policy: .loopbackAllowed)
                let timers = TimerTotals()
                let worker = RunWorkerFactory.make(
                    client: temporal, database: database, taskQueue: taskQueue, defaultActionURL: nil, http: http,
                    publisher: LoggingEventPublisher(logger: logger), logger: logger, metrics: timers)
                let running = Task { try? await worker.run() }
                let trigger = ManualTrigger(client: temporal, taskQueue: taskQueue)
                let finished = FinishedRuns(database: database)
                emit(
                    "runs in flight through the whole loop: http action answered after \(BenchTime.milliseconds(Self.actionDelay)) ms, task queue \(taskQueue)"
                )
                // Warm-up: connections, caches, the worker's first polls.
                _ = try await Self.closedLoop(runs: 5, inFlight: 5, trigger: trigger, finished: finished)
                for level in Self.levels {
                    let runs = max(20, min(count, level * 5))
                    let before = try await finished.count()
                    timers.reset()
                    let clock = ContinuousClock()
                    let start = clock.now
                    let workflows = try await Self.closedLoop(
                        runs: runs, inFlight: level, trigger: trigger, finished: finished, offset: before)
                    let elapsed = clock.now - start
                    let latencies = try await Self.scheduleToStart(workflows, client: temporal)
                    emit(
                        "in flight \(level): \(runs) runs  wall \(BenchTime.seconds(elapsed)) s  "
                            + String(format: "%.1f runs/s", Double(runs) / BenchTime.value(elapsed))
                            + "  schedule-to-start workflow task p50 \(BenchTime.milliseconds(BenchTime.quantile(latencies.workflow, 0.5))) ms"
                            + " p99 \(BenchTime.milliseconds(BenchTime.quantile(latencies.workflow, 0.99))) ms"
                            + ", activity p50 \(BenchTime.milliseconds(BenchTime.quantile(latencies.activity, 0.5))) ms"
                            + " p99 \(BenchTime.milliseconds(BenchTime.quantile(latencies.activity, 0.99))) ms"
                            + String(
                                format: "  workflow tasks started -> completed: %.1f %% of run time",
                                latencies.decisionShare * 100)
                    )
                    // What a sticky queue could save at most: the worker's own handling of the
                    // workflow tasks (history decoded and decided on, the answer sent).
                    let handling = timers.total("temporal_workflow_task_execution_latency")
                    if handling.count > 0 {
                        emit(
                            String(
                                format:
                                    "  worker's workflow task handling: %d tasks, mean %.2f ms, %.1f %% of run time",
                                handling.count, handling.seconds / Double(handling.count) * 1000,
                                handling.seconds / latencies.runSeconds * 100))
                    }
                    emit(
                        String(
                            format:
                                "  replaying the histories (rebuilt and decided on per workflow task): %.3f ms per run, %.2f %% of run time",
                            latencies.replaying / Double(runs) * 1000, latencies.replaying / latencies.runSeconds * 100)
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

    /// Starts `runs` runs keeping `inFlight` of them unfinished at once; returns the workflow IDs.
    static func closedLoop(
        runs: Int, inFlight: Int, trigger: ManualTrigger, finished: FinishedRuns, offset: Int = 0
    ) async throws -> [String] {
        var started: [String] = []
        var done = try await finished.count() - offset
        while done < runs {
            while started.count < runs && started.count - done < inFlight {
                started.append(try await trigger.start(activityID: "bench-run"))
            }
            try await Task.sleep(for: .milliseconds(5))
            done = try await finished.count() - offset
        }
        return started
    }

    /// Schedule-to-start of every workflow task and activity task of `workflows`, from their
    /// histories.
    static func scheduleToStart(_ workflows: [String], client: TemporalClient) async throws
        -> (workflow: [Duration], activity: [Duration], decisionShare: Double, runSeconds: Double, replaying: Double)
    {
        var workflow: [Duration] = []
        var activity: [Duration] = []
        // Time from a workflow task's start to its completion (the history handed over and
        // decided on), against each run's whole time: what replaying whole histories costs.
        var deciding = 0.0
        var total = 0.0
        // Replaying: each workflow task's history rebuilt and decided on, as the worker does
        // without a sticky queue (timed here, on this machine).
        var replaying = Duration.zero
        let workflowDecider = RunActivityWorkflow(taskQueue: "bench")
        for id in workflows {
            var request = Temporal_Api_Workflowservice_V1_GetWorkflowExecutionHistoryRequest()
            request.namespace = client.configuration.namespace
            request.execution.workflowID = id
            let events = try await client.call("GetWorkflowExecutionHistory") { [request] service, metadata, options in
                try await service.getWorkflowExecutionHistory(request, metadata: metadata, options: options)
            }.history.events
            let times = Dictionary(events.map { ($0.eventID, $0.eventTime.timeIntervalSince1970) }) { first, _ in first
            }
            func latency(_ scheduled: Int64, _ started: Double) -> Duration? {
                guard let at = times[scheduled] else { return nil }
                return .milliseconds(Int64(((started - at) * 1000).rounded()))
            }
            for (index, event) in events.enumerated() where event.eventType == .workflowTaskStarted {
                let started = ContinuousClock.now
                let history = WorkflowHistory(
                    execution: request.execution, workflowType: RunActivityWorkflow.name,
                    events: Array(events[...index]))
                _ = workflowDecider.decide(history)
                replaying += started.duration(to: .now)
            }
            if let first = events.first, let last = events.last {
                total += last.eventTime.timeIntervalSince1970 - first.eventTime.timeIntervalSince1970
            }
            for event in events {
                let at = event.eventTime.timeIntervalSince1970
                switch event.eventType {
                case .workflowTaskCompleted:
                    if let started = times[event.workflowTaskCompletedEventAttributes.startedEventID] {
                        deciding += at - started
                    }
                case .workflowTaskStarted:
                    if let value = latency(event.workflowTaskStartedEventAttributes.scheduledEventID, at) {
                        workflow.append(value)
                    }
                case .activityTaskStarted:
                    if let value = latency(event.activityTaskStartedEventAttributes.scheduledEventID, at) {
                        activity.append(value)
                    }
                default:
                    continue
                }
            }
        }
        return (
            workflow.sorted(), activity.sorted(), total > 0 ? deciding / total : 0, total, BenchTime.value(replaying)
        )
    }
}

/// The runs recorded as ended in the bench's schema.
struct FinishedRuns: Sendable {
    let database: ActivityDatabase

    func count() async throws -> Int {
        let rows = try await self.database.client.query(
            PostgresQuery(
                unsafeSQL: "SELECT count(*)::int8 FROM \(self.database.table("runs")) WHERE status <> 'running'"),
            logger: self.database.logger)
        for try await (count) in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
