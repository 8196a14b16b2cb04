import Foundation

/// What a workflow task answers with.
public enum WorkflowCommand: Sendable, Hashable {
    case scheduleActivity(ActivityInvocation)
    case completeWorkflow(result: Data)
    case failWorkflow(message: String, type: String)
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
