import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Workflows

/// Polls task queues for workflow and activity tasks and runs the registered workflows (pure
/// decision functions over the full history: no sticky queue) and activities.
///
/// Each kind of task has a pool of slots (`SlotPool`): workflow tasks, the main queue's
/// activities, and each further activity queue. A poller takes a slot before it polls, so the
/// worker only asks for tasks it can start at once, and a full pool never delays another.
///
/// Graceful shutdown (`TemporalWorkerShutdown`): polling stops and Temporal is told
/// (`ShutdownWorker`), so no task already handed out is lost to a timeout; the tasks in hand get
/// `shutdownGrace`, then an activity still running fails its attempt at once as retryable.
public final class TemporalWorker: Service {
    public let client: TemporalClient
    public let configuration: TemporalWorkerConfiguration
    let workflows: [String: any TemporalWorkflow]
    let activities: [String: any TemporalActivity]
    let logger: Logger
    let metrics: TemporalWorkerMetrics
    /// Fired when the shutdown grace runs out.
    let cut = ShutdownCut()
    /// Names this worker's polls, so that `ShutdownWorker` has the server answer them.
    let instanceKey = UUID().uuidString.lowercased()
    let pools: [PollGroup]
    /// Tasks handed over outside a poll (eager activities and workflow starts), run as children
    /// of `run()`.
    let handedOver: AsyncStream<@Sendable () async -> Void>
    let handOver: AsyncStream<@Sendable () async -> Void>.Continuation

    /// One queue and kind of task with its slots.
    struct PollGroup: Sendable {
        enum Kind: String, Sendable {
            case workflow = "WorkflowWorker"
            case activity = "ActivityWorker"
        }

        let kind: Kind
        let queue: String
        let slots: SlotPool
    }

    struct State {
        var stopping = false
        var stopRequested: CheckedContinuation<Void, Never>?
        var stopSignalled = false
        var polls: [UUID: Task<Void, Never>] = [:]
        var pollsCancelled = false
        var inFlight = 0
        var eagerWorkflowTasks = 0
        var eagerActivityTasks = 0
    }

    let state = Mutex(State())

    public init(
        client: TemporalClient,
        configuration: TemporalWorkerConfiguration,
        workflows: [any TemporalWorkflow],
        activities: [any TemporalActivity],
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        eagerStarts: EagerWorkflowStarts? = nil,
        logger: Logger
    ) {
        self.client = client
        self.configuration = configuration
        self.workflows = Dictionary(workflows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.activities = Dictionary(activities.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        let metrics = TemporalWorkerMetrics(
            factory: metrics, namespace: client.configuration.namespace, taskQueue: configuration.taskQueue)
        self.metrics = metrics
        func group(_ kind: PollGroup.Kind, _ queue: String, _ capacity: Int) -> PollGroup {
            PollGroup(
                kind: kind, queue: queue,
                slots: SlotPool(
                    capacity: capacity,
                    observe: metrics.slots(workerType: kind.rawValue, taskQueue: queue, capacity: capacity)))
        }
        (self.handedOver, self.handOver) = AsyncStream.makeStream()
        self.pools =
            [
                group(.workflow, configuration.taskQueue, configuration.maxConcurrentWorkflowTasks),
                group(.activity, configuration.taskQueue, configuration.maxConcurrentActivities),
            ] + configuration.activityQueues.map { group(.activity, $0.name, $0.slots) }
        eagerStarts?.attach(self)
    }

    /// Tasks being handled right now.
    public var inFlight: Int { self.state.withLock { $0.inFlight } }

    /// Tasks the server handed over in an answer instead of a poll, so far: first workflow
    /// tasks of runs this process started, and activity tasks of its workflow tasks' answers.
    public var eagerTasks: (workflow: Int, activity: Int) {
        self.state.withLock { ($0.eagerWorkflowTasks, $0.eagerActivityTasks) }
    }

    public func run() async throws {
        self.logger.info(
            "temporal worker polling",
            metadata: [
                "temporal.task_queue": "\(self.configuration.taskQueue)",
                "temporal.identity": "\(self.client.configuration.identity)",
                "temporal.slots": "\(self.pools.map { "\($0.kind.rawValue) \($0.queue) \($0.slots.capacity)" })",
            ]
        )
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { worker in
                worker.addTask { await self.shutdownWhenAsked() }
                await withDiscardingTaskGroup { tasks in
                    tasks.addTask {
                        await withDiscardingTaskGroup { group in
                            for pool in self.pools {
                                for _ in 0..<TemporalWorkerConfiguration.pollers(slots: pool.slots.capacity) {
                                    switch pool.kind {
                                    case .workflow:
                                        group.addTask {
                                            await self.pollLoop(
                                                WorkflowTaskHandler(worker: self, queue: pool.queue), pool)
                                        }
                                    case .activity:
                                        group.addTask {
                                            await self.pollLoop(
                                                ActivityTaskHandler(worker: self, queue: pool.queue), pool)
                                        }
                                    }
                                }
                            }
                        }
                        // No workflow task is in hand any more: none can hand an activity over.
                        self.handOver.finish()
                    }
                    for await work in self.handedOver {
                        tasks.addTask { await work() }
                    }
                }
                // Every task in hand has ended: the grace timer has nothing left to cut.
                worker.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        self.logger.info("temporal worker stopped")
    }

    /// Stops polling (Temporal is told, see `shutdownWhenAsked`); tasks in hand finish.
    public func stop() {
        let continuation = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.stopping = true
            state.stopSignalled = true
            defer { state.stopRequested = nil }
            return state.stopRequested
        }
        for pool in self.pools { pool.slots.close() }
        continuation?.resume()
    }

    var isStopping: Bool { self.state.withLock { $0.stopping } }

    /// The pool of the main queue's activities.
    private var actionPool: PollGroup { self.pools[1] }

    /// Takes a workflow slot for the first task of a run this process starts, if one is free
    /// and the worker is not stopping; `runEagerWorkflowTask` uses or gives it back.
    func reserveEagerWorkflowTask() -> Bool {
        guard !self.isStopping else { return false }
        return self.pools[0].slots.tryAcquire()
    }

    /// Handles the workflow task a start was answered with in the slot taken for it; without
    /// one (declined, or the start failed) gives the slot back.
    func runEagerWorkflowTask(_ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse?) {
        let pool = self.pools[0]
        guard let task, !task.taskToken.isEmpty else {
            pool.slots.release()
            return
        }
        self.state.withLock { $0.eagerWorkflowTasks += 1 }
        self.handOver(task, to: WorkflowTaskHandler(worker: self, queue: pool.queue), pool: pool)
    }

    /// Handles `task` in the slot of `pool` taken for it, as a child of `run()` (as a polled
    /// task is a child of its poll loop). Once the worker has stopped no child can start: the
    /// slot is given back and Temporal hands the task out again after its timeout.
    private func handOver<Handler: TaskHandler>(_ task: Handler.Polled, to handler: Handler, pool: PollGroup) {
        self.state.withLock { $0.inFlight += 1 }
        pool.slots.use()
        let work: @Sendable () async -> Void = {
            await handler.handle(task)
            self.state.withLock { $0.inFlight -= 1 }
            pool.slots.release(used: true)
        }
        if case .terminated = self.handOver.yield(work) {
            self.state.withLock { $0.inFlight -= 1 }
            pool.slots.release(used: true)
            self.logger.warning(
                "task handed over after the worker stopped; Temporal hands it out again after its timeout",
                metadata: ["temporal.task_queue": "\(pool.queue)"])
        }
    }

    /// Takes a slot of the main queue's activities for an eager activity, if one is free and
    /// the worker is not stopping; `runEagerActivities` uses or gives it back.
    func reserveEagerActivity() -> Bool {
        guard self.configuration.eagerActivities, !self.isStopping else { return false }
        return self.actionPool.slots.tryAcquire()
    }

    /// Runs the activity tasks the server handed back with a workflow task's answer, each in
    /// one of the `reserved` slots; the slots left over are given back.
    func runEagerActivities(_ tasks: [Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse], reserved: Int) {
        let pool = self.actionPool
        let handed = tasks.prefix(reserved)
        for task in handed {
            self.state.withLock { $0.eagerActivityTasks += 1 }
            self.handOver(task, to: ActivityTaskHandler(worker: self, queue: pool.queue), pool: pool)
        }
        for _ in handed.count..<max(handed.count, reserved) { pool.slots.release() }
    }

    /// Takes a slot, polls, hands a task to a child task that gives the slot back, and again,
    /// until the worker stops; then waits for the tasks in hand.
    private func pollLoop<Handler: TaskHandler>(_ handler: Handler, _ pool: PollGroup) async {
        await withDiscardingTaskGroup { group in
            var failures = 0
            while !self.isStopping, await pool.slots.acquire() {
                let polled = await self.cancellablePoll { await handler.poll() }
                switch polled {
                case .success(let task?):
                    failures = 0
                    self.state.withLock { $0.inFlight += 1 }
                    pool.slots.use()
                    group.addTask {
                        await handler.handle(task)
                        self.state.withLock { $0.inFlight -= 1 }
                        pool.slots.release(used: true)
                    }
                case .success(nil):
                    failures = 0
                    pool.slots.release()
                case .failure(let error):
                    pool.slots.release()
                    if self.isStopping { return }
                    failures += 1
                    self.logger.warning(
                        "poll failed",
                        metadata: [
                            "temporal.poller": "\(pool.kind.rawValue)", "temporal.task_queue": "\(pool.queue)",
                            "error": "\(error)",
                        ])
                    try? await Task.sleep(
                        for: Self.pollBackoff.delay(after: failures, code: error.code, random: Double.random(in: 0..<1))
                    )
                }
            }
        }
    }

    /// The wait after failed polls; RESOURCE_EXHAUSTED waits longer.
    static let pollBackoff = CallRetry(initial: .milliseconds(200), maximum: .seconds(5))

    /// Runs a poll in a task that a shutdown can cancel, so that it does not wait for a long
    /// poll to end when Temporal does not end it.
    private func cancellablePoll<T: Sendable>(_ body: @escaping @Sendable () async -> Result<T?, TemporalError>) async
        -> Result<T?, TemporalError>
    {
        let id = UUID()
        let box = Mutex<Result<T?, TemporalError>>(.success(nil))
        let task = Task {
            let result = await body()
            box.withLock { $0 = result }
        }
        let cancelled = self.state.withLock { state -> Bool in
            state.polls[id] = task
            return state.pollsCancelled
        }
        if cancelled { task.cancel() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        self.state.withLock { $0.polls[id] = nil }
        if task.isCancelled { return .success(nil) }
        return box.withLock { $0 }
    }

    /// Cancels the long polls still open.
    func cancelPolls() {
        let polls = self.state.withLock { state in
            state.pollsCancelled = true
            return Array(state.polls.values)
        }
        for poll in polls { poll.cancel() }
    }
}

extension TemporalWorker {
    /// One long poll: an empty answer (no task before the server's timeout), our deadline
    /// or a cancellation (shutdown) all mean "no task"; other failures are errors.
    func longPoll<Response: Sendable>(
        _ method: String,
        taskToken: @Sendable (Response) -> Data,
        body: @Sendable (TemporalClient.Service, GRPCCoreMetadata, GRPCCoreCallOptions) async throws -> Response
    ) async -> Result<Response?, TemporalError> {
        do {
            let response = try await self.client.call(method, timeout: self.configuration.pollTimeout, body)
            return .success(taskToken(response).isEmpty ? nil : response)
        } catch {
            return error.code == .deadlineExceeded || error.code == .cancelled ? .success(nil) : .failure(error)
        }
    }

    /// A task queue as polls name it.
    func pollQueue(_ name: String) -> Temporal_Api_Taskqueue_V1_TaskQueue {
        var queue = Temporal_Api_Taskqueue_V1_TaskQueue()
        queue.name = name
        queue.kind = .normal
        return queue
    }
}

/// One kind of task: how to poll for it and how to handle it.
protocol TaskHandler: Sendable {
    associatedtype Polled: Sendable
    func poll() async -> Result<Polled?, TemporalError>
    func handle(_ task: Polled) async
}
