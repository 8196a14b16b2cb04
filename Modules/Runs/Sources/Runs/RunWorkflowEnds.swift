/// How a run's workflow ended, as the run reconciler asks Temporal.
public protocol RunWorkflowEnds: Sendable {
    /// The end of that workflow run; nil while it is still open.
    func end(workflowID: String, runID: String) async throws -> RunWorkflowEnd?
}

/// A closed workflow run (or one Temporal no longer holds).
public enum RunWorkflowEnd: String, Sendable, Hashable {
    case completed, failed, canceled, terminated
    case timedOut = "timed_out"
    /// Not in Temporal any more (its retention has passed).
    case gone
}
