import AsyncHTTPClient
import Definitions
import Foundation
import HTTPActions
import Logging
import NATS
import NIOCore
import Postgres
import Runs
import Schedules
import Synchronization
import Temporal
import TestSupport
import Testing
import Worker

/// RunActivityWorkflow end to end: the real dev server, PostgreSQL, an in-process worker on a
/// task queue of its own, and a local HTTP receiver.
@Suite("Worker runtime against Temporal")
struct WorkerRuntimeIntegrationTests {
    struct Environment: Sendable {
        var database: ActivityDatabase
        var client: TemporalClient
        var folder: String
        var taskQueue: String
        var prefix: String
        var worker: WorkerHandle
        /// Hands the first workflow task of the runs a test starts with it to `worker`.
        var eagerStarts: EagerWorkflowStarts

        var runs: PostgresRunStore { PostgresRunStore(database: self.database) }
        var trigger: ManualTrigger {
            ManualTrigger(client: self.client, taskQueue: self.taskQueue, eager: self.eagerStarts)
        }
    }

    /// A publisher that fails its first `failures` publishes, then records the subjects.
    final class FlakyPublisher: EventPublisher {
        struct Unreachable: Error, CustomStringConvertible {
            var description: String { "NATS is unreachable (test)" }
        }

        private let state: Mutex<(failures: Int, subjects: [String])>

        init(failures: Int) {
            self.state = Mutex((failures, []))
        }

        var subjects: [String] { self.state.withLock { $0.subjects } }

        func publish(subject: String, payload: Data, messageID: String?) async throws {
            let fail = self.state.withLock { state -> Bool in
                guard state.failures > 0 else {
                    state.subjects.append(subject)
                    return false
                }
                state.failures -= 1
                return true
            }
            if fail { throw Unreachable() }
        }
    }

    /// Starts the worker when the test says so, stops it (draining) at the end.
    final class WorkerHandle: Sendable {
        let worker: TemporalWorker
        private let task = Mutex<Task<Void, Never>?>(nil)

        init(worker: TemporalWorker) {
            self.worker = worker
        }

        func start() {
            self.task.withLock { task in
                if task == nil { task = Task { try? await self.worker.run() } }
            }
        }

        func stop() async {
            self.worker.stop()
            let task = self.task.withLock { $0 }
            await task?.value
        }
    }

    static func definition(_ id: String, url: String, enabled: Bool = true) -> String {
        """
        type: activity-definition
        id: \(id)
        name: Runtime test \(id)
        enabled: \(enabled)
        trigger:
          type: cron
          cron_expression: "0 3 * * *"
        action:
          type: http
          url: \(url)
          headers: {X-Team: it}
          timeout_seconds: 20
          retry: {max_attempts: 4, initial_interval_seconds: 1, backoff: 1.0, max_interval_seconds: 1}
        input: {window: 24h}
        context_sources: [docs]

        """
    }

    static func withRuntime(
        files: [String: String],
        publisher: any EventPublisher = LoggingEventPublisher(logger: TestDatabase.logger),
        localActivityBudget: Duration = .seconds(5),
        actionSlots: Int = 2,
        _ body: @Sendable (Environment) async throws -> Void
    ) async throws {
        let taskQueue = "it-tq-\(UUID().uuidString.prefix(8).lowercased())"
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        for (path, text) in files { try folder.write(path, text) }
        let folderPath = folder.path
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            _ = try await DocumentSync(store: PostgresDefinitionStore(database: database)).sync(
                roots: [folderPath], logger: TestDatabase.logger)
            try await TestTemporal.withClient { client in
                let clients = HTTPActionClients(concurrentActions: 2)
                let eagerStarts = EagerWorkflowStarts()
                let http = HTTPActionExecutor(clients: clients, policy: .loopbackAllowed)
                let handle = WorkerHandle(
                    worker: RunWorkerFactory.make(
                        client: client,
                        database: database,
                        taskQueue: taskQueue,
                        defaultActionURL: nil,
                        http: http,
                        publisher: publisher,
                        logger: TestDatabase.logger,
                        maxConcurrentActions: actionSlots,
                        localActivityBudget: localActivityBudget,
                        eagerStarts: eagerStarts
                    )
                )
                let environment = Environment(
                    database: database, client: client, folder: folderPath, taskQueue: taskQueue, prefix: prefix,
                    worker: handle, eagerStarts: eagerStarts)
                var failure: (any Error)?
                do { try await body(environment) } catch { failure = error }
                await handle.stop()
                await clients.shutdown()
                await TestTemporal.deleteAll(
                    prefix: prefix,
                    service: TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout))
                if let failure { throw failure }
            }
        }
    }

    /// Polls the runs table until the run of `activityID` reaches a final status.
    static func waitForRun(_ runs: PostgresRunStore, activityID: String, timeout: Duration = .seconds(60)) async throws
        -> RunRecord?
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let run = try await runs.recent(activityID: activityID, limit: 1).first, run.status != .running {
                return run
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await runs.recent(activityID: activityID, limit: 1).first
    }

    @Test("a schedule triggered now makes the contract's HTTP call and a succeeded run")
    func scheduleTriggered() async throws {
        let receiver = try await HTTPReceiver()
        defer { Task { await receiver.close() } }
        try await Self.withRuntime(files: ["digest.yaml": Self.definition("digest", url: receiver.url)]) {
            environment in
            let service = TemporalScheduleService(client: environment.client, callTimeout: TestTemporal.callTimeout)
            let sync = ScheduleSync(
                service: service,
                applied: PostgresAppliedScheduleStore(database: environment.database),
                projection: ScheduleProjection(prefix: environment.prefix, taskQueue: environment.taskQueue)
            )
            let definitions = try await PostgresDefinitionStore(database: environment.database).records().map(
                \.document)
            let report = try await sync.sync(definitions: definitions, logger: TestDatabase.logger)
            #expect(report.created == 1)
            environment.worker.start()
            try await service.triggerSchedule(id: environment.prefix + "digest")

            let request = try #require(try await receiver.waitForRequests(1).first)
            #expect(request.method == "POST")
            #expect(request.uri == "/hook")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["x-team"] == "it")
            let body = try JSONValue.parse(request.body)
            let workflowID = try #require(body["workflow_id"]?.stringValue)
            #expect(workflowID.hasPrefix("activity-digest-"))
            #expect(request.headers["idempotency-key"] == workflowID)
            #expect(body["activity_id"] == .string("digest"))
            #expect(body["name"] == .string("Runtime test digest"))
            #expect(body["trigger"] == .string("cron"))
            #expect(body["event"] == .null)
            #expect(body["input"] == .object(["window": .string("24h")]))
            #expect(body["definition"]?["context_sources"] == .array([.string("docs")]))
            #expect(body["attempt"] == .integer(1))
            #expect(body["run_id"]?.stringValue?.isEmpty == false)
            #expect(body["scheduled_time"] != nil)

            let run = try #require(try await Self.waitForRun(environment.runs, activityID: "digest"))
            #expect(run.status == .succeeded)
            #expect(run.trigger == "cron")
            #expect(run.workflowID == workflowID)
            #expect(run.attempts == 1)
            #expect(run.finishedAt != nil)
        }
    }

    /// The history's event types, without the `EVENT_TYPE_` prefix's noise.
    static func eventTypes(_ history: [Temporal_Api_History_V1_HistoryEvent]) -> [Temporal_Api_Enums_V1_EventType] {
        history.map(\.eventType)
    }

    @Test("a run costs the server two workflow tasks and one activity task, both handed over without a poll")
    func fewerRoundTrips() async throws {
        // Two of the four action slots are held by polls, two are free for an eager task.
        try await Self.withRuntime(files: ["quick.yaml": "id: quick\naction: {type: echo}\n"], actionSlots: 4) {
            environment in
            environment.worker.start()
            let workflowID = try await environment.trigger.start(activityID: "quick")
            let run = try #require(try await Self.waitForRun(environment.runs, activityID: "quick"))
            #expect(run.status == .succeeded)
            let status = try await TemporalWorkerSuites.RunCancelIntegrationTests.workflowStatus(workflowID) {
                $0 == .completed
            }
            #expect(status == .completed)
            let history = try await TestTemporal.history(workflowID)
            // PrepareRun's marker in the first task; FinishRun's answer ends the workflow, so its
            // marker is left out.
            #expect(
                Self.eventTypes(history) == [
                    .workflowExecutionStarted, .workflowTaskScheduled, .workflowTaskStarted, .workflowTaskCompleted,
                    .markerRecorded, .activityTaskScheduled, .activityTaskStarted, .activityTaskCompleted,
                    .workflowTaskScheduled, .workflowTaskStarted, .workflowTaskCompleted, .workflowExecutionCompleted,
                ])
            // The dev server of Tools/services offers eager execution, as production servers do.
            let eager = environment.worker.worker.eagerTasks
            #expect(eager.workflow == 1, "the first workflow task came through a poll")
            #expect(eager.activity == 1, "the action's task came through a poll")
        }
    }

    @Test("a FinishRun that keeps failing in the worker is scheduled as an activity, and the run ends")
    func localFallBack() async throws {
        // Three failed publishes: the local attempt, then two server attempts of the activity.
        let publisher = FlakyPublisher(failures: 3)
        try await Self.withRuntime(
            files: ["quick.yaml": "id: quick\naction: {type: echo}\n"], publisher: publisher,
            localActivityBudget: .milliseconds(500)
        ) { environment in
            environment.worker.start()
            let workflowID = try await environment.trigger.start(activityID: "quick")
            let status = try await TemporalWorkerSuites.RunCancelIntegrationTests.workflowStatus(
                workflowID, timeout: .seconds(60)
            ) {
                $0 == .completed
            }
            #expect(status == .completed)
            let run = try #require(try await Self.waitForRun(environment.runs, activityID: "quick"))
            #expect(run.status == .succeeded)
            #expect(publisher.subjects == [FinishRunActivity.completedSubject])
            let history = try await TestTemporal.history(workflowID)
            let finish = history.first {
                $0.eventType == .activityTaskScheduled
                    && $0.activityTaskScheduledEventAttributes.activityType.name == RunActivityWorkflow.finish
            }
            #expect(
                finish?.activityTaskScheduledEventAttributes.taskQueue.name
                    == RunContract.bookkeepingTaskQueue(environment.taskQueue))
            // PrepareRun still ran in the worker.
            #expect(history.count(where: { $0.eventType == .markerRecorded }) == 1)
        }
    }

    @Test("a receiver answering 500 twice then 200 gives attempt 3 and succeeded")
    func retries() async throws {
        let receiver = try await HTTPReceiver(statuses: [500, 500, 200])
        defer { Task { await receiver.close() } }
        try await Self.withRuntime(files: ["flaky.yaml": Self.definition("flaky", url: receiver.url)]) { environment in
            environment.worker.start()
            let workflowID = try await ManualTrigger(client: environment.client, taskQueue: environment.taskQueue)
                .start(activityID: "flaky")
            #expect(workflowID.hasPrefix("activity-flaky:manual:"))
            let requests = try await receiver.waitForRequests(3)
            #expect(requests.count == 3)
            #expect(requests.map { $0.headers["idempotency-key"] } == [workflowID, workflowID, workflowID])
            #expect(
                try requests.map { try JSONValue.parse($0.body)["attempt"] } == [.integer(1), .integer(2), .integer(3)])
            let run = try #require(try await Self.waitForRun(environment.runs, activityID: "flaky"))
            #expect(run.status == .succeeded)
            #expect(run.attempts == 3)
            #expect(run.trigger == "manual")
        }
    }

    @Test("a definition disabled after the run was started completes as skipped")
    func disabledAfterFiring() async throws {
        let receiver = try await HTTPReceiver()
        defer { Task { await receiver.close() } }
        try await Self.withRuntime(files: ["late.yaml": Self.definition("late", url: receiver.url)]) { environment in
            // Fired while no worker runs, then disabled, then the worker picks the run up.
            _ = try await ManualTrigger(client: environment.client, taskQueue: environment.taskQueue).start(
                activityID: "late")
            try Self.definition("late", url: receiver.url, enabled: false).write(
                toFile: environment.folder + "/late.yaml",
                atomically: true,
                encoding: .utf8
            )
            let report = try await DocumentSync(store: PostgresDefinitionStore(database: environment.database))
                .sync(roots: [environment.folder], logger: TestDatabase.logger)
            #expect(report.upserted == 1)
            environment.worker.start()
            let run = try #require(try await Self.waitForRun(environment.runs, activityID: "late"))
            #expect(run.status == .skipped)
            #expect(receiver.requests.isEmpty)
        }
    }

    @Test("a nats.publish action publishes the run document and the run's completion envelope follows")
    func natsPublish() async throws {
        let subject = "it.report.\(UUID().uuidString.prefix(8).lowercased())"
        let nats = try NATSConfiguration(urls: NATSClientIntegrationTests.urls)
        let listener = try await NATSClient.connect(configuration: nats, logger: TestDatabase.logger)
        let reports = try await listener.subscribe(subject)
        let completions = try await listener.subscribe("org.activity.run.completed")
        try await listener.flush()
        let publisher = NATSEventPublisher(
            client: try await NATSClient.connect(configuration: nats, logger: TestDatabase.logger))
        let file = """
            id: reporter
            action: {type: nats.publish, subject: \(subject)}
            input: {kind: report}
            """
        try await Self.withRuntime(files: ["reporter.yaml": file], publisher: publisher) { environment in
            environment.worker.start()
            let workflowID = try await ManualTrigger(client: environment.client, taskQueue: environment.taskQueue)
                .start(activityID: "reporter")
            var iterator = reports.makeAsyncIterator()
            let report = try #require(await iterator.next())
            let document = try JSONValue.parse(Data(buffer: report.payload))
            #expect(document["workflow_id"] == .string(workflowID))
            #expect(document["input"] == .object(["kind": .string("report")]))
            #expect(report.header("Nats-Msg-Id") == workflowID)
            for await completion in completions {
                let envelope = try JSONValue.parse(Data(buffer: completion.payload))
                guard envelope["attributes"]?["workflow_id"] == .string(workflowID) else { continue }
                #expect(envelope["type"] == .string("org.activity.run.completed"))
                #expect(envelope["attributes"]?["status"] == .string("succeeded"))
                break
            }
            let run = try #require(try await Self.waitForRun(environment.runs, activityID: "reporter"))
            #expect(run.status == .succeeded)
        }
        await publisher.client.close()
        await listener.close()
    }

    @Test("the worker process stops on SIGTERM during a slow action, exits 0 and the action finishes")
    func sigtermDrains() async throws {
        let receiver = try await HTTPReceiver(delay: .seconds(3))
        defer { Task { await receiver.close() } }
        let folder = try TemporaryFolder()
        try folder.write("slow.yaml", Self.definition("slow", url: receiver.url))
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix,
            extra: ["LOG_LEVEL": "info", "ACTIVITY_SHUTDOWN_GRACE_SECONDS": "20"])
        try await CommandLineTests.deletingSchedules(prefix: prefix) {
            let (process, _, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
            defer { try? FileManager.default.removeItem(at: err) }
            let log = try await ActivityCoreProcess.waitForLog("worker running", in: err, of: process)
            #expect(log.contains("worker running"), "\(log)")
            let trigger = try await ActivityCoreProcess.run(["trigger", "slow"], environment: environment)
            #expect(trigger.status == 0, "\(trigger.stderr)")
            #expect(trigger.stdout.hasPrefix("activity-slow:manual:"))
            _ = try await receiver.waitForRequests(1)
            #expect(receiver.requests.count == 1)

            let stopped = try await ActivityCoreProcess.terminate(process, timeout: .seconds(20))
            #expect(!process.isRunning)
            #expect(process.terminationStatus == 0)
            #expect(stopped < .seconds(20))
            let unknown = try await ActivityCoreProcess.run(
                ["trigger", "no-such-definition"], environment: environment)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no live definition no-such-definition"), "\(unknown.stderr)")
            // Retired (its file removed and synced; another stays, as an empty root retires
            // nothing): refused as the admin API refuses it.
            try folder.write("other.yaml", Self.definition("other", url: receiver.url))
            try folder.remove("slow.yaml")
            let sync = try await ActivityCoreProcess.run(["sync"], environment: environment)
            #expect(sync.status == 0, "\(sync.stdout) \(sync.stderr)")
            // Without --json: a line per stage, then the changes.
            let lines = sync.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("definitions: synced 1, upserted 1, ") == true, "\(sync.stdout)")
            #expect(lines.dropFirst().first == "event_types: not requested", "\(sync.stdout)")
            #expect(lines.dropFirst(2).first?.hasPrefix("schedules: created 1, ") == true, "\(sync.stdout)")
            #expect(lines.dropFirst(2).first?.contains("deleted orphans 1,") == true, "\(sync.stdout)")
            #expect(lines.contains("- retire definitions slow"), "\(sync.stdout)")
            let retired = try await ActivityCoreProcess.run(["trigger", "slow"], environment: environment)
            #expect(retired.status == 1, "\(retired.stdout)")
            #expect(retired.stderr.contains("no live definition slow"), "\(retired.stderr)")

            try await TestDatabase.withExistingSchema(schema) { database in
                let run = try await PostgresRunStore(database: database).recent(activityID: "slow", limit: 1).first
                #expect(run?.attempts == 1)
                // The drained attempt answered Temporal before the process exited.
                #expect(run?.error == nil)
            }
        }
    }
}
