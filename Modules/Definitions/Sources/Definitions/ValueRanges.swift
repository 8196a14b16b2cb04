/// The documented range of every number in a definition (README, "Limits"), chosen to fit
/// what consumes it: Temporal's durations (protobuf `Duration`, whole seconds in an Int64)
/// and the worker's own arithmetic. Anything outside is a located error.
public enum ValueRanges {
    /// 100 years of 365.25 days: the longest duration any key takes.
    public static let maxDurationSeconds = 3_155_760_000
    public static let timeoutSeconds = 1...maxDurationSeconds
    public static let jitterSeconds = 0...maxDurationSeconds
    /// Temporal's minimum catch-up window is 10 s.
    public static let catchupWindowSeconds = 10...maxDurationSeconds
    public static let maxAttempts = 1...1000
    public static let intervalSeconds: ClosedRange<Double> = 0.001...Double(maxDurationSeconds)
    public static let backoff: ClosedRange<Double> = 1...1000
    public static let maxRedirects = 0...10
}

extension ActivityAction {
    /// The first value outside its documented range, named by its key; nil when all fit.
    /// Validation refuses such files, but a row stored by an earlier version may hold one:
    /// the worker checks again before a value reaches Temporal.
    public var rangeProblem: String? {
        if !ValueRanges.timeoutSeconds.contains(self.timeoutSeconds) {
            return "action.timeout_seconds \(self.timeoutSeconds) is outside \(ValueRanges.timeoutSeconds)"
        }
        if !ValueRanges.maxAttempts.contains(self.retry.maxAttempts) {
            return "action.retry.max_attempts \(self.retry.maxAttempts) is outside \(ValueRanges.maxAttempts)"
        }
        let intervals = [
            ("initial_interval_seconds", self.retry.initialIntervalSeconds),
            ("max_interval_seconds", self.retry.maxIntervalSeconds),
        ]
        for (key, value) in intervals where !ValueRanges.intervalSeconds.contains(value) {
            return "action.retry.\(key) \(value) is outside \(ValueRanges.intervalSeconds)"
        }
        if !ValueRanges.maxRedirects.contains(self.maxRedirects) {
            return "action.max_redirects \(self.maxRedirects) is outside \(ValueRanges.maxRedirects)"
        }
        if !ValueRanges.backoff.contains(self.retry.backoff) {
            return "action.retry.backoff \(self.retry.backoff) is outside \(ValueRanges.backoff)"
        }
        return nil
    }
}
