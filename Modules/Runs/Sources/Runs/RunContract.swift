/// The names every module that starts a run must agree on (CONTRACT sections 4-6): the
/// workflow type and the workflow IDs of cron, event and manual runs. One owner, so the
/// schedule projection, the event router and the manual trigger cannot drift apart.
public enum RunContract {
    /// The workflow type every run starts.
    public static let workflowType = "RunActivityWorkflow"

    /// The task queue of `PrepareRun` and `FinishRun` beside `ACTIVITY_TASK_QUEUE` (where the
    /// workflow and its action run): every worker polls it with slots of its own, so recording
    /// a run's start and end never waits behind actions.
    public static func bookkeepingTaskQueue(_ taskQueue: String) -> String {
        "\(taskQueue)-bookkeeping"
    }

    /// `activity-<id>`: the workflow ID a cron schedule starts (Temporal appends the
    /// scheduled time).
    public static func scheduledWorkflowID(activityID: String) -> String {
        "activity-\(activityID)"
    }

    /// `activity-<id>:<event part>`: the same event always meets the same workflow ID, so a
    /// redelivered event is deduplicated. `eventPart` is the event ID or its digest.
    public static func eventWorkflowID(activityID: String, eventPart: String) -> String {
        "activity-\(activityID):\(eventPart)"
    }

    /// `activity-<id>:manual:<uuid>`: every manual run is a new one.
    public static func manualWorkflowID(activityID: String, runToken: String) -> String {
        "activity-\(activityID):manual:\(runToken)"
    }
}
