import Synchronization

/// Hands the first workflow task of a run this process starts to this process's worker
/// (eager workflow start): the starter asks for it when the worker polls the run's task queue
/// and has a free workflow slot (taken then), and the server answers the start with the task,
/// saving the trip through matching. A server that declines answers without one; the task
/// then reaches a poller as usual and the slot is given back.
///
/// Made before the worker (the starters need it first); the worker attaches itself when built.
public final class EagerWorkflowStarts: Sendable {
    private let worker = Mutex<TemporalWorker?>(nil)

    public init() {}

    func attach(_ worker: TemporalWorker) {
        self.worker.withLock { $0 = worker }
    }

    /// The worker, when it polls `taskQueue` and took a workflow slot for the start.
    func reserve(taskQueue: String) -> TemporalWorker? {
        guard let worker = self.worker.withLock({ $0 }), worker.configuration.taskQueue == taskQueue,
            worker.reserveEagerWorkflowTask()
        else { return nil }
        return worker
    }
}
