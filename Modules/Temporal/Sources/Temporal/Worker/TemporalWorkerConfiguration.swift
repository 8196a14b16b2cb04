/// How many tasks a worker takes at once and where from.
public struct TemporalWorkerConfiguration: Sendable, Hashable {
    public var taskQueue: String
    /// Concurrent workflow-task long polls (each handles one task at a time).
    public var workflowPollers: Int
    /// Concurrent activity long polls; also the number of activities run at once.
    public var activityPollers: Int
    /// Deadline of one long poll; the server answers an empty poll after about 60 s.
    public var pollTimeout: Duration
    /// How often a running activity heartbeats.
    public var heartbeatInterval: Duration

    public init(
        taskQueue: String,
        workflowPollers: Int = 2,
        activityPollers: Int = 8,
        pollTimeout: Duration = .seconds(70),
        heartbeatInterval: Duration = .seconds(5)
    ) {
        self.taskQueue = taskQueue
        self.workflowPollers = max(1, workflowPollers)
        self.activityPollers = max(1, activityPollers)
        self.pollTimeout = pollTimeout
        self.heartbeatInterval = heartbeatInterval
    }
}
