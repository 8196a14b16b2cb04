/// How many tasks a worker takes at once and where from.
public struct TemporalWorkerConfiguration: Sendable, Hashable {
    /// An activity task queue polled beside the main one, with slots of its own (so that what
    /// runs there never waits behind the main queue's activities).
    public struct ActivityQueue: Sendable, Hashable {
        public var name: String
        public var slots: Int

        public init(name: String, slots: Int) {
            self.name = name
            self.slots = max(1, slots)
        }
    }

    /// The queue of the workflow tasks and of the main activities.
    public var taskQueue: String
    /// Workflow tasks handled at once.
    public var maxConcurrentWorkflowTasks: Int
    /// Activities of `taskQueue` run at once.
    public var maxConcurrentActivities: Int
    public var activityQueues: [ActivityQueue]
    /// Deadline of one long poll; the server answers an empty poll after about 60 s.
    public var pollTimeout: Duration
    /// How often a running activity heartbeats.
    public var heartbeatInterval: Duration
    /// How long the tasks in hand may take once a graceful shutdown began; an activity still
    /// running then fails its attempt at once, as retryable.
    public var shutdownGrace: Duration
    /// How long the local activities of one workflow task may take (retries included), at most
    /// half the workflow task timeout; what does not end by then is scheduled as an activity.
    public var localActivityBudget: Duration
    /// Ask the server to hand an activity on `taskQueue` back in the workflow task's answer when
    /// a slot is free (eager activity execution), instead of through a poll.
    public var eagerActivities: Bool

    public init(
        taskQueue: String,
        maxConcurrentWorkflowTasks: Int = 50,
        maxConcurrentActivities: Int = 100,
        activityQueues: [ActivityQueue] = [],
        pollTimeout: Duration = .seconds(70),
        heartbeatInterval: Duration = .seconds(5),
        shutdownGrace: Duration = .seconds(30),
        localActivityBudget: Duration = .seconds(5),
        eagerActivities: Bool = true
    ) {
        self.taskQueue = taskQueue
        self.maxConcurrentWorkflowTasks = max(1, maxConcurrentWorkflowTasks)
        self.maxConcurrentActivities = max(1, maxConcurrentActivities)
        self.activityQueues = activityQueues
        self.pollTimeout = pollTimeout
        self.heartbeatInterval = heartbeatInterval
        self.shutdownGrace = shutdownGrace
        self.localActivityBudget = localActivityBudget
        self.eagerActivities = eagerActivities
    }

    /// Long polls kept open for a pool of `slots`: one per ten slots, at least two (one poll
    /// in flight while the other's task is being started), never more than the slots.
    public static func pollers(slots: Int) -> Int {
        min(max(1, slots), max(2, slots / 10))
    }
}
