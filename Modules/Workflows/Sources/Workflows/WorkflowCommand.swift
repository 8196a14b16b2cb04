import Foundation

/// What a workflow task answers with.
public enum WorkflowCommand: Sendable, Hashable {
    case scheduleActivity(ActivityInvocation)
    /// Runs the activity in the worker, within the workflow task, and records how it ended as a
    /// marker in the history (no activity task, no round trip to the server). Retried locally
    /// per its policy; a worker that cannot end it within its local budget schedules it as a
    /// normal activity instead (`scheduleActivity`, on the invocation's task queue), so the
    /// workflow finds it either way through `WorkflowHistory.activityState`.
    case runLocalActivity(ActivityInvocation)
    /// Asks the server to cancel the activity scheduled by that event: one not started yet is
    /// never started; a running one learns it from its next heartbeat.
    case requestCancelActivity(scheduledEventID: Int64)
    case completeWorkflow(result: Data)
    case failWorkflow(message: String, type: String)
    /// Ends the workflow as cancelled; valid only after a cancel request.
    case cancelWorkflow
}

/// One activity to schedule: its ID within the run, type, JSON input and limits.
public struct ActivityInvocation: Sendable, Hashable {
    public var activityID: String
    public var activityType: String
    public var input: Data
    public var taskQueue: String
    /// Start-to-close timeout of one attempt; the server refuses an activity without it.
    public var startToCloseSeconds: Int
    /// A worker that stops heartbeating for this long is presumed dead.
    public var heartbeatSeconds: Int?
    public var retry: ActivityRetry

    public init(
        activityID: String,
        activityType: String,
        input: Data,
        taskQueue: String,
        startToCloseSeconds: Int,
        heartbeatSeconds: Int? = nil,
        retry: ActivityRetry
    ) {
        self.activityID = activityID
        self.activityType = activityType
        self.input = input
        self.taskQueue = taskQueue
        self.startToCloseSeconds = startToCloseSeconds
        self.heartbeatSeconds = heartbeatSeconds
        self.retry = retry
    }
}

/// The server-side retry policy of an activity.
public struct ActivityRetry: Sendable, Hashable {
    public var maxAttempts: Int
    public var initialIntervalSeconds: Double
    public var backoff: Double
    public var maxIntervalSeconds: Double
    /// Failure types that are never retried.
    public var nonRetryableErrorTypes: [String]

    public init(
        maxAttempts: Int,
        initialIntervalSeconds: Double,
        backoff: Double,
        maxIntervalSeconds: Double,
        nonRetryableErrorTypes: [String] = []
    ) {
        self.maxAttempts = maxAttempts
        self.initialIntervalSeconds = initialIntervalSeconds
        self.backoff = backoff
        self.maxIntervalSeconds = maxIntervalSeconds
        self.nonRetryableErrorTypes = nonRetryableErrorTypes
    }
}
