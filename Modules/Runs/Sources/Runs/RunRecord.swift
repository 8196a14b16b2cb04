import Foundation

/// One run of a definition as recorded in PostgreSQL and listed by `GET /admin/runs`.
public struct RunRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case running, succeeded, failed, skipped
        /// Ended by a cancel request (`POST /admin/runs/{workflow_id}/cancel`, Temporal's own).
        case cancelled
        /// The workflow was terminated, or timed out, without recording its end: set by the
        /// reconciler.
        case terminated
        case timedOut = "timed_out"
    }

    public var activityID: String
    public var trigger: String
    public var workflowID: String
    public var runID: String
    public var status: Status
    public var attempts: Int
    public var scheduledTime: Date?
    public var startedAt: Date
    public var finishedAt: Date?
    public var error: String?

    public init(
        activityID: String,
        trigger: String,
        workflowID: String,
        runID: String,
        status: Status,
        attempts: Int = 0,
        scheduledTime: Date? = nil,
        startedAt: Date = Date(),
        finishedAt: Date? = nil,
        error: String? = nil
    ) {
        self.activityID = activityID
        self.trigger = trigger
        self.workflowID = workflowID
        self.runID = runID
        self.status = status
        self.attempts = attempts
        self.scheduledTime = scheduledTime
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id"
        case trigger
        case workflowID = "workflow_id"
        case runID = "run_id"
        case status, attempts
        case scheduledTime = "scheduled_time"
        case startedAt = "started"
        case finishedAt = "finished"
        case error
    }
}
