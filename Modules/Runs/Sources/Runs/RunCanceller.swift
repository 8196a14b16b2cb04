/// Asks for a run to be cancelled (`activity-core cancel`, `POST
/// /admin/runs/{workflow_id}/cancel`): its workflow then finishes the run as `cancelled`.
public protocol RunCanceller: Sendable {
    func cancel(workflowID: String) async throws -> RunCancelOutcome
}

/// What a cancel request found.
public enum RunCancelOutcome: Sendable, Hashable {
    /// Temporal took the request; the run ends as cancelled unless its action ends first.
    case requested
    /// No run of activity-core has this workflow ID.
    case notFound
    /// The run has ended already, with this workflow status (`completed`, `failed`, ...).
    case alreadyClosed(status: String)
}
