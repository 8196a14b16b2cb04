import AdminAPI
import Definitions
import EventTypes
import Foundation
import Logging
import Prometheus
import Runs
import Schedules
import ServiceLifecycle
import Settings
import Sync
import Synchronization
import Testing
import Workflows

@testable import Worker

/// The worker's service graph built over in-memory twins: no PostgreSQL, Temporal or NATS.
@Suite("Worker service graph over in-memory ports")
struct WorkerGraphTests {
    static let logger = Logger(label: "test")
    static let examples = URL(filePath: #filePath).deletingLastPathComponent().appending(
        path: "../../../../examples/coulomb"
    ).standardized.path

    /// The in-memory twins and what the test reads back from them.
    final class Twins: Sendable {
        let definitions = InMemoryDocumentStore<ActivityDefinition>()
        let eventTypes = InMemoryDocumentStore<EventTypeDefinition>()
        let schedules = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        let events = QueuedEvents()
        let starter = RecordingStarter()
        let runtime = Mutex<RunWorkflowSet?>(nil)

        func ports(_ configuration: Configuration, check: @escaping ServiceReadiness.Check = {}) -> WorkerPorts {
            WorkerPorts(
                syncRunner: SyncRunner(
                    roots: configuration.definitionRoots, definitions: self.definitions, eventTypes: self.eventTypes,
                    schedules: ScheduleSync(
                        service: self.schedules, applied: self.applied, projection: configuration.scheduleProjection)),
                syncLock: LocalSyncLock(), definitions: self.definitions, eventTypes: self.eventTypes,
                schedules: self.schedules, runs: InMemoryRunStore(), events: self.events, starter: self.starter,
                manualRuns: self.starter, runCanceller: NoRunCanceller(), runWorkflowEnds: NoRunCanceller(),
                runReconcileLock: NoRunCanceller(),
                publisher: LoggingEventPublisher(logger: WorkerGraphTests.logger),
                httpAction: EchoActionExecutor(logger: WorkerGraphTests.logger),
                readinessChecks: ["postgres": check],
                workflowRuntime: { set in
                    self.runtime.withLock { $0 = set }
                    return IdleService()
                })
        }
    }

    static func configuration(_ extra: [String: String] = [:]) throws -> Configuration {
        try Configuration(
            environment: ["ACTIVITY_DEFINITION_DIRS": Self.examples, "ACTIVITY_ADMIN_TOKEN": "t"].merging(extra) { $1 })
    }

    @Test("the services in start order; the loop only with an interval; the run workflow and its activities")
    func services() throws {
        let twins = Twins()
        let graph = WorkerGraph(
            configuration: try Self.configuration(), ports: twins.ports(try Self.configuration()),
            registry: PrometheusCollectorRegistry(), logger: Self.logger)
        #expect(
            graph.services.map { "\($0.service)" } == [
                "WorkerService", "EventRouterService", "RunReconciler", "RoutingIndexRefresher", "MissedFiresRefresher",
                "AdminServer",
            ])
        let set = try #require(twins.runtime.withLock { $0 })
        #expect(set.workflows.map(\.name) == ["RunActivityWorkflow"])
        #expect(set.activities.map(\.name) == ["PrepareRun", "ExecuteAction", "FinishRun"])

        let looping = WorkerGraph(
            configuration: try Self.configuration(["ACTIVITY_SYNC_INTERVAL_SECONDS": "60"]),
            ports: Twins().ports(try Self.configuration()), registry: PrometheusCollectorRegistry(),
            logger: Self.logger)
        #expect(looping.services.map { "\($0.service)" }.contains("SyncLoopService"))
    }

    @Test("a sync through the graph fills the stores and the schedules, and the router routes at once")
    func syncThenRoute() async throws {
        let twins = Twins()
        let configuration = try Self.configuration()
        let graph = WorkerGraph(
            configuration: configuration, ports: twins.ports(configuration), registry: PrometheusCollectorRegistry(),
            logger: Self.logger)
        // The index is built (empty) before the sync, as in a running worker.
        #expect(try await graph.index.currentIndex().definitionCount == 0)
        guard case .ran(let report) = try await graph.sync.sync(.all, dryRun: false, trigger: .api) else {
            Issue.record("the sync was busy")
            return
        }
        #expect(report.errors.isEmpty)
        #expect(try await twins.definitions.records().map(\.document.id).contains("coulomb-daily-digest"))
        #expect(
            try await twins.schedules.listSchedules(prefix: "activity-schedule-").map(\.scheduleID).contains {
                $0.hasSuffix("coulomb-daily-digest")
            })
        // The sync refreshed the router's index before it answered: no refresh asked for here.
        twins.events.push(subject: "gitea.repo.push", body: #"{"id":"e-1","attributes":{"repo":"coulomb/app"}}"#)
        #expect(try await graph.router.pollOnce() == 1)
        #expect(twins.starter.started.withLock { $0 } == ["activity-coulomb-push-review:e-1"])
        // The subjects the stream must carry follow the event types.
        #expect(twins.events.required.withLock { $0 }.contains("gitea.repo.push"))
    }

    @Test("readiness names the failing check and waits for the startup work")
    func readiness() async throws {
        struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let configuration = try Self.configuration()
        let graph = WorkerGraph(
            configuration: configuration, ports: Twins().ports(configuration, check: { throw Down() }),
            registry: PrometheusCollectorRegistry(), logger: Self.logger)
        var failures = await graph.admin.readiness.failures()
        #expect(
            failures == [
                "postgres": "connection refused", "startup": "migrations and the startup sync are still running",
            ])
        graph.startup.open()
        failures = await graph.admin.readiness.failures()
        #expect(failures == ["postgres": "connection refused"])
    }
}

/// Events the test pushes; `fetch` hands them to the router.
final class QueuedEvents: RouterEventSource {
    let queue = Mutex<[ReceivedEvent]>([])
    let required = Mutex<[String]>([])

    func push(subject: String, body: String) {
        let event = ReceivedEvent(
            subject: subject, body: Data(body.utf8), messageID: nil, ack: {}, nak: { _ in })
        self.queue.withLock { $0.append(event) }
    }

    func fetch(batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void) async throws -> Int
    {
        let events = self.queue.withLock { queue in
            defer { queue = [] }
            return queue
        }
        events.forEach(receive)
        return events.count
    }

    func require(subjects: [String]) async { self.required.withLock { $0 = subjects } }
    func close() async {}
    func readinessProblem() async -> String? { nil }
    func readinessWarning() async -> String? { nil }
}

/// Records the workflow IDs it was asked to start (events and manual runs).
final class RecordingStarter: WorkflowStarter, ManualRunStarter {
    let started = Mutex<[String]>([])

    func start(workflowID: String, input: Data) async throws -> Bool {
        self.started.withLock { $0.append(workflowID) }
        return true
    }

    func start(activityID: String) async throws -> String {
        let id = "activity-\(activityID):manual:test"
        self.started.withLock { $0.append(id) }
        return id
    }
}

/// The workflow runtime's twin: runs until graceful shutdown.
struct IdleService: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}

/// No run is ever found, every workflow is still open and the reconcile lock is always free
/// (the graph tests cancel and reconcile nothing).
struct NoRunCanceller: RunCanceller, RunWorkflowEnds, RunReconcileLock {
    func cancel(workflowID: String) async throws -> RunCancelOutcome { .notFound }
    func end(workflowID: String, runID: String) async throws -> RunWorkflowEnd? { nil }
    func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result? {
        try await body()
    }
}
