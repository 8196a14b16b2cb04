import Definitions

/// What a schedule's description says of the fields activity-core owns besides the spec: the
/// start-workflow action and the policies. Only a describe carries them (a list entry has
/// none), so only a refresh (`--refresh`, `refresh=true`) compares them.
public struct ScheduleOwnedFields: Sendable, Hashable {
    public var workflowType: String
    public var workflowID: String
    public var taskQueue: String
    /// The single payload's JSON; nil when it is not one `json/plain` payload.
    public var payload: JSONValue?
    public var overlap: OverlapPolicy?
    public var catchupWindowSeconds: Int?

    public init(
        workflowType: String, workflowID: String, taskQueue: String, payload: JSONValue?, overlap: OverlapPolicy?,
        catchupWindowSeconds: Int?
    ) {
        self.workflowType = workflowType
        self.workflowID = workflowID
        self.taskQueue = taskQueue
        self.payload = payload
        self.overlap = overlap
        self.catchupWindowSeconds = catchupWindowSeconds
    }

    /// The order drift fields are named in, `spec` first.
    public static let fieldOrder = [
        "spec", "workflow_type", "task_queue", "workflow_id", "payload", "overlap_policy", "catchup_window",
    ]

    /// The fields whose value differs from `desired`'s projection.
    public func differences(from desired: DesiredSchedule) -> [String] {
        var fields: [String] = []
        if self.workflowType != desired.workflowType { fields.append("workflow_type") }
        if self.taskQueue != desired.taskQueue { fields.append("task_queue") }
        if self.workflowID != desired.workflowID { fields.append("workflow_id") }
        if self.payload != desired.input { fields.append("payload") }
        if self.overlap != desired.overlap { fields.append("overlap_policy") }
        if self.catchupWindowSeconds != desired.catchupWindowSeconds { fields.append("catchup_window") }
        return fields
    }
}
