import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Workflows

/// Polls one task queue for workflow and activity tasks and runs the registered workflows
/// (pure decision functions over the full history: no sticky queue) and activities.
///
/// Graceful shutdown stops polling at once (the long polls are cancelled) and lets the tasks
/// in hand finish; the service group's shutdown timeout bounds how long that may take.
public final class TemporalWorker: Service {
    public let client: TemporalClient
    public let configuration: TemporalWorkerConfiguration
    let workflows: [String: any TemporalWorkflow]
    let activities: [String: any TemporalActivity]
    let logger: Logger

    private struct State {
        var stopping = false
        var polls: [UUID: Task<Void, Never>] = [:]
        var inFlight = 0
    }

    private let state = Mutex(State())

    public init(
        client: TemporalClient,
        configuration: TemporalWorkerConfiguration,
        workflows: [any TemporalWorkflow],
        activities: [any TemporalActivity],
        logger: Logger
    ) {
        self.client = client
        self.configuration = configuration
        self.workflows = Dictionary(workflows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.activities = Dictionary(activities.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    /// Tasks being handled right now.
    public var inFlight: Int { self.state.withLock { $0.inFlight } }

    public func run() async throws {
        self.logger.info(
            "temporal worker polling",
            metadata: [
                "temporal.task_queue": "\(self.configuration.taskQueue)",
                "temporal.identity": "\(self.client.configuration.identity)",
            ]
        )
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for _ in 0..<self.configuration.workflowPollers {
                    group.addTask { await self.loop(WorkflowTaskHandler(worker: self)) }
                }
                for _ in 0..<self.configuration.activityPollers {
                    group.addTask { await self.loop(ActivityTaskHandler(worker: self)) }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        self.logger.info("temporal worker stopped")
    }

    /// Stops polling; tasks in hand finish.
    public func stop() {
        let polls = self.state.withLock { state in
            state.stopping = true
            return Array(state.polls.values)
        }
        for poll in polls { poll.cancel() }
    }

    var isStopping: Bool { self.state.withLock { $0.stopping } }

    private func loop<Handler: TaskHandler>(_ handler: Handler) async {
        var failures = 0
        while !self.isStopping && !Task.isCancelled {
            let polled: Result<Handler.Polled?, TemporalError> = await self.cancellablePoll { await handler.poll() }
            switch polled {
            case .success(nil):
                failures = 0
            case .success(let task?):
                failures = 0
                self.state.withLock { $0.inFlight += 1 }
                await handler.handle(task)
                self.state.withLock { $0.inFlight -= 1 }
            case .failure(let error):
                if self.isStopping { return }
                failures += 1
                self.logger.warning(
                    "poll failed", metadata: ["temporal.poller": "\(Handler.self)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(200 * (1 << min(failures, 5)), 5000)))
            }
        }
    }

    /// Runs a poll in a task that `stop()` cancels, so shutdown does not wait for a long
    /// poll to time out.
    private func cancellablePoll<T: Sendable>(_ body: @escaping @Sendable () async -> Result<T?, TemporalError>) async
        -> Result<
            T?, TemporalError
        >
    {
        let id = UUID()
        let box = Mutex<Result<T?, TemporalError>>(.success(nil))
        let task = Task {
            let result = await body()
            box.withLock { $0 = result }
        }
        let cancelled = self.state.withLock { state -> Bool in
            if state.stopping { return true }
            state.polls[id] = task
            return false
        }
        if cancelled { task.cancel() }
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        self.state.withLock { $0.polls[id] = nil }
        if cancelled || task.isCancelled { return .success(nil) }
        return box.withLock { $0 }
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

    /// The task queue every poll names.
    var pollQueue: Temporal_Api_Taskqueue_V1_TaskQueue {
        var queue = Temporal_Api_Taskqueue_V1_TaskQueue()
        queue.name = self.configuration.taskQueue
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
