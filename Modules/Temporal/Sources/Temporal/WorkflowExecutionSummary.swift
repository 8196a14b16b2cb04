/// A workflow execution as `DescribeWorkflowExecution` tells it.
public struct WorkflowExecutionSummary: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case running, completed, failed, canceled, terminated, paused, unknown
        case continuedAsNew = "continued_as_new"
        case timedOut = "timed_out"
    }

    public var workflowID: String
    public var runID: String
    public var workflowType: String
    public var status: Status

    public init(workflowID: String, runID: String, workflowType: String, status: Status) {
        self.workflowID = workflowID
        self.runID = runID
        self.workflowType = workflowType
        self.status = status
    }

    /// True while the workflow has not ended.
    public var isOpen: Bool { self.status == .running || self.status == .paused }
}

extension WorkflowExecutionSummary.Status {
    init(_ status: Temporal_Api_Enums_V1_WorkflowExecutionStatus) {
        self =
            switch status {
            case .running: .running
            case .completed: .completed
            case .failed: .failed
            case .canceled: .canceled
            case .terminated: .terminated
            case .continuedAsNew: .continuedAsNew
            case .timedOut: .timedOut
            case .paused: .paused
            default: .unknown
            }
    }
}
