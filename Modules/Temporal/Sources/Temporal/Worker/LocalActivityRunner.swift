import Foundation
import Workflows

/// Runs a local activity's attempts in the worker, within the workflow task that asked for it:
/// each attempt bounded by the invocation's start-to-close timeout, retried per its policy
/// (backoff included), all of it within `deadline`. What does not end by then (an attempt still
/// running, or a retry that would start too late) falls back: the worker schedules the activity
/// as a normal one, which the server then retries with the whole policy.
struct LocalActivityRunner: Sendable {
    /// How a local activity ended.
    enum Ending: Sendable, Hashable {
        /// Ended (completed, failed for good or out of attempts): recorded as a marker.
        case resolved(LocalActivityMarker)
        /// Not ended within the budget: scheduled as a normal activity instead.
        case fallBack(reason: String)
    }

    /// Ends an attempt early when the worker's shutdown grace runs out.
    let cut: ShutdownCut?
    /// How long an activity that ignores cancellation is waited for after its timeout.
    var grace: Duration = .milliseconds(100)

    func run(
        _ activity: any TemporalActivity,
        invocation: ActivityInvocation,
        workflowID: String,
        runID: String,
        deadline: ContinuousClock.Instant
    ) async -> Ending {
        let retry = invocation.retry
        var attempt = 1
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                return .fallBack(reason: "its local budget ran out before attempt \(attempt)")
            }
            let startToClose = Duration.seconds(max(1, invocation.startToCloseSeconds))
            let context = ActivityContext(
                workflowID: workflowID, runID: runID, activityID: invocation.activityID, attempt: attempt,
                maxAttempts: retry.maxAttempts)
            let input = invocation.input
            let (result, stopped) = await ActivityAttempt.run(
                activity: { await ActivityAttempt.outcome(of: activity, input: input, context: context) },
                heartbeat: nil, interval: .seconds(1), lease: min(startToClose, remaining), grace: self.grace,
                cut: self.cut)
            let failure: ActivityError
            switch (stopped, result) {
            case (nil, .success(let data)?):
                return .resolved(self.marker(invocation, attempts: attempt, outcome: .completed(data)))
            case (nil, .failure(let error)?):
                failure = error
            case (.deadline, _) where remaining <= startToClose:
                return .fallBack(reason: "attempt \(attempt) was still running when its local budget ran out")
            case (.deadline, _):
                failure = ActivityError(
                    "attempt \(attempt) ran past its start-to-close timeout of \(invocation.startToCloseSeconds) s",
                    type: "Timeout")
            default:
                return .fallBack(reason: "the worker is shutting down")
            }
            if failure.nonRetryable || retry.nonRetryableErrorTypes.contains(failure.type)
                || (retry.maxAttempts > 0 && attempt >= retry.maxAttempts)
            {
                return .resolved(
                    self.marker(
                        invocation, attempts: attempt, outcome: .failed(message: failure.message, type: failure.type)))
            }
            let delay = Self.delay(after: attempt, retry: retry)
            guard ContinuousClock.now.advanced(by: delay) < deadline else {
                return .fallBack(
                    reason: "attempt \(attempt) failed (\(failure.message)) and no retry fits its local budget")
            }
            try? await CancellableSleep.sleep(for: delay)
            if Task.isCancelled { return .fallBack(reason: "the workflow task was cancelled") }
            attempt += 1
        }
    }

    /// The wait before the retry after attempt `attempt`: the initial interval times the
    /// backoff per attempt, capped at the maximum interval (as Temporal's server retries).
    static func delay(after attempt: Int, retry: ActivityRetry) -> Duration {
        let initial = max(0.001, retry.initialIntervalSeconds)
        let grown = initial * pow(max(1, retry.backoff), Double(attempt - 1))
        let capped = retry.maxIntervalSeconds > 0 ? min(grown, retry.maxIntervalSeconds) : grown
        return .milliseconds(Int64((min(capped, 3600) * 1000).rounded()))
    }

    private func marker(_ invocation: ActivityInvocation, attempts: Int, outcome: ActivityOutcome)
        -> LocalActivityMarker
    {
        LocalActivityMarker(
            activityID: invocation.activityID, activityType: invocation.activityType, attempts: attempts,
            outcome: outcome)
    }
}
