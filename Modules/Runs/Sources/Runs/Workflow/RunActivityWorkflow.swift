import Definitions
import Foundation
import Workflows

/// `RunActivityWorkflow` as a pure decision over its history:
/// 1. `PrepareRun` loads the definition as stored now and records the run; a disabled or
///    retired definition is finished as `skipped` (and a definition that cannot run as
///    `failed`) through `FinishRun`, like every other run.
/// 2. `ExecuteAction` runs the action with the definition's timeout and retry policy.
/// 3. `FinishRun` records the final status and publishes the completion envelope; the
///    workflow then completes (succeeded) or fails (failed).
///
/// A cancel request: before the action is scheduled, the run is finished `cancelled` at once
/// (after `PrepareRun`, which is short, has ended); while it runs, the workflow asks the server
/// to cancel `ExecuteAction` (a running attempt learns it from its heartbeat and stops), and
/// once it ended as cancelled the run is finished `cancelled` and the workflow ends CANCELED.
/// An action that completed or failed first keeps its outcome. Histories without a cancel
/// request decide exactly as before.
public struct RunActivityWorkflow: TemporalWorkflow {
    public static let name = RunContract.workflowType
    public static let prepare = "PrepareRun"
    public static let execute = "ExecuteAction"
    public static let finish = "FinishRun"
    /// Failure types the action never retries.
    public static let nonRetryableTypes = ["InvalidAction", "DefinitionNotFound"]

    public var name: String { Self.name }
    public let taskQueue: String
    /// PrepareRun and FinishRun as local activities (the default); false schedules them as
    /// activity tasks on the bookkeeping queue, as 1.0.0 did (for the benchmarks' comparison).
    public let localBookkeeping: Bool

    public init(taskQueue: String, localBookkeeping: Bool = true) {
        self.taskQueue = taskQueue
        self.localBookkeeping = localBookkeeping
    }

    /// Start-to-close of the bookkeeping activities: short, because a task lost on its way to
    /// a worker (a dropped connection) is only retried once this runs out.
    static let bookkeepingTimeout = 20

    /// How much longer Temporal waits for an attempt than the action's own deadline.
    static let actionTimeoutMargin = 10

    /// An attempt of an action longer than this also heartbeats, so that a lost task or a
    /// dead worker is noticed after `heartbeatTimeout`, not after the whole timeout.
    static let heartbeatTimeout = 30

    /// The policy of the bookkeeping activities: they only touch PostgreSQL (and NATS), so
    /// they retry for a long while before the run is given up.
    static let bookkeepingRetry = ActivityRetry(
        maxAttempts: 30, initialIntervalSeconds: 1, backoff: 2, maxIntervalSeconds: 30,
        nonRetryableErrorTypes: nonRetryableTypes)

    public func decide(_ history: WorkflowHistory) -> [WorkflowCommand] {
        guard let data = history.input, let input = try? RunJSON.decode(RunInput.self, from: data) else {
            return [
                .failWorkflow(
                    message: "RunActivityWorkflow needs {\"activity_id\", \"trigger\"} as input", type: "InvalidInput")
            ]
        }
        let prepare = history.activity(Self.prepare)
        guard prepare.scheduled else {
            // Cancelled before anything ran: nothing was recorded, nothing is left to end.
            if history.isCancelRequested { return [.cancelWorkflow] }
            let prepareInput = PrepareInput(
                run: input, workflowID: history.workflowID, runID: history.runID, scheduledTime: history.scheduledTime)
            return [
                self.schedule(
                    Self.prepare, input: RunJSON.encode(prepareInput), timeout: Self.bookkeepingTimeout,
                    retry: Self.bookkeepingRetry)
            ]
        }
        switch prepare.outcome {
        case nil:
            return []
        case .failed(let message, let type):
            return self.preparationFailed(input: input, message: message, type: type, history: history)
        case .canceled:
            return self.preparationFailed(
                input: input, message: "PrepareRun was cancelled", type: "Canceled", history: history)
        case .completed(let result):
            guard let result, let prepared = try? RunJSON.decode(PreparedRun.self, from: result) else {
                return [.failWorkflow(message: "PrepareRun returned no run", type: "InvalidResult")]
            }
            if prepared.skip {
                let finish = FinishInput(
                    activityID: prepared.activityID, workflowID: prepared.workflowID, runID: prepared.runID,
                    status: .skipped, error: prepared.reason)
                return self.finishing(finish, history: history) {
                    .completeWorkflow(result: RunJSON.encode(["status": "skipped", "reason": prepared.reason ?? ""]))
                }
            }
            return self.afterPrepare(prepared, history: history)
        }
    }

    /// A failed `PrepareRun`: recorded, counted and published as failed, then the workflow fails.
    private func preparationFailed(input: RunInput, message: String, type: String, history: WorkflowHistory)
        -> [WorkflowCommand]
    {
        let finish = FinishInput(
            activityID: input.activityID, workflowID: history.workflowID, runID: history.runID, status: .failed,
            error: message, trigger: input.trigger)
        return self.finishing(finish, history: history) { .failWorkflow(message: message, type: type) }
    }

    /// Schedules `FinishRun` with `finish`, and once it completed, `final`.
    private func finishing(
        _ finish: FinishInput, history: WorkflowHistory, then final: () -> WorkflowCommand
    ) -> [WorkflowCommand] {
        let activity = history.activity(Self.finish)
        guard activity.scheduled else {
            return [
                self.schedule(
                    Self.finish, input: RunJSON.encode(finish), timeout: Self.bookkeepingTimeout,
                    retry: Self.bookkeepingRetry)
            ]
        }
        switch activity.outcome {
        case nil:
            return []
        case .failed(let message, let type):
            return [.failWorkflow(message: "recording the run failed: \(message)", type: type)]
        case .canceled:
            return [.failWorkflow(message: "recording the run was cancelled", type: "Canceled")]
        case .completed:
            return [final()]
        }
    }

    private func afterPrepare(_ prepared: PreparedRun, history: WorkflowHistory) -> [WorkflowCommand] {
        let action = prepared.action ?? ActivityAction(kind: .echo)
        guard let execute = history.activityState(Self.execute) else {
            if history.isCancelRequested {
                // The action never starts.
                return self.cancelled(prepared, error: "cancelled before the action started", history: history)
            }
            let retry = ActivityRetry(
                maxAttempts: action.retry.maxAttempts,
                initialIntervalSeconds: action.retry.initialIntervalSeconds,
                backoff: action.retry.backoff,
                maxIntervalSeconds: action.retry.maxIntervalSeconds,
                nonRetryableErrorTypes: Self.nonRetryableTypes
            )
            // The action ends itself at `timeout_seconds` (with its own error); Temporal's
            // start-to-close is the backstop a little later.
            return [
                self.schedule(
                    Self.execute, input: RunJSON.encode(prepared),
                    timeout: action.timeoutSeconds + Self.actionTimeoutMargin, retry: retry)
            ]
        }
        let status: RunRecord.Status
        let error: String?
        let errorType: String
        switch execute.outcome {
        case nil:
            if history.isCancelRequested && !execute.cancelRequested {
                return [.requestCancelActivity(scheduledEventID: execute.scheduledEventID)]
            }
            return []
        case .completed:
            (status, error, errorType) = (.succeeded, nil, "")
        case .failed(_, "Timeout") where execute.cancelRequested:
            // Asked to cancel, the action's worker never answered (it died, or lost the task):
            // the server timed it out and retries no more. It was cancelled all the same.
            return self.cancelled(prepared, error: "cancelled while the action ran", history: history)
        case .failed(let message, let type):
            (status, error, errorType) = (.failed, message, type)
        case .canceled:
            return self.cancelled(prepared, error: "cancelled while the action ran", history: history)
        }
        let finish = FinishInput(
            activityID: prepared.activityID, workflowID: prepared.workflowID, runID: prepared.runID, status: status,
            error: error)
        return self.finishing(finish, history: history) {
            if let error {
                return .failWorkflow(message: error, type: errorType)
            }
            if case .completed(let result) = execute.outcome {
                let value = result.flatMap { try? JSONValue.parse($0) } ?? .null
                return .completeWorkflow(
                    result: RunJSON.encode(["status": JSONValue.string("succeeded"), "result": value]))
            }
            return .completeWorkflow(result: RunJSON.encode(["status": "succeeded"]))
        }
    }

    /// Finishes the run as `cancelled`, then ends the workflow CANCELED.
    private func cancelled(_ prepared: PreparedRun, error: String, history: WorkflowHistory) -> [WorkflowCommand] {
        let finish = FinishInput(
            activityID: prepared.activityID, workflowID: prepared.workflowID, runID: prepared.runID,
            status: .cancelled, error: error)
        return self.finishing(finish, history: history) { .cancelWorkflow }
    }

    /// `ExecuteAction` as an activity on the workflow's queue; the bookkeeping as local
    /// activities (run by the worker within the workflow task, their outcome a marker in the
    /// history), which a worker that cannot end them in time schedules on the bookkeeping queue.
    private func schedule(_ type: String, input: Data, timeout: Int, retry: ActivityRetry) -> WorkflowCommand {
        let invocation = ActivityInvocation(
            activityID: type,
            activityType: type,
            input: input,
            taskQueue: type == Self.execute ? self.taskQueue : RunContract.bookkeepingTaskQueue(self.taskQueue),
            startToCloseSeconds: timeout,
            heartbeatSeconds: timeout > Self.heartbeatTimeout ? Self.heartbeatTimeout : nil,
            retry: retry
        )
        return type == Self.execute || !self.localBookkeeping
            ? .scheduleActivity(invocation) : .runLocalActivity(invocation)
    }
}
