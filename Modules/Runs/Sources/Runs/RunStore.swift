import Foundation

/// Where runs are recorded. Every write is keyed by (workflow ID, run ID) and idempotent,
/// because Temporal may deliver an activity attempt twice.
public protocol RunStore: Sendable {
    /// Records a run as started (`running`) or, for a run decided at once, in its final
    /// state (`skipped`, `failed`). An existing row is left as it is.
    func start(_ run: RunRecord) async throws
    /// Notes the start of an attempt.
    func recordAttempt(workflowID: String, runID: String, attempt: Int) async throws
    /// Notes a failed attempt that will be retried.
    func recordAttemptError(workflowID: String, runID: String, error: String) async throws
    /// Sets the final status of a `running` run, or records `run` as it is when nothing was
    /// recorded (its PrepareRun failed first); true when this call ended the run (false when
    /// it had ended already), so the run is counted once however often its finish is retried.
    @discardableResult
    func finish(_ run: RunRecord) async throws -> Bool
    /// Recent runs, newest first.
    func recent(activityID: String?, limit: Int) async throws -> [RunRecord]
    /// Runs still `running` that started before `startedBefore`, oldest first (the reconciler's
    /// candidates).
    func running(startedBefore: Date, limit: Int) async throws -> [RunRecord]
}
