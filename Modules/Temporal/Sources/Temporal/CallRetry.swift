/// How a Temporal call is retried on UNAVAILABLE and RESOURCE_EXHAUSTED: exponential backoff
/// with jitter, until an attempt limit or a total time is reached. RESOURCE_EXHAUSTED (the
/// server shedding load) waits longer than UNAVAILABLE, as the official SDKs do.
public struct CallRetry: Sendable, Hashable {
    public var initial: Duration
    public var multiplier: Double
    public var maximum: Duration
    /// The backoff after RESOURCE_EXHAUSTED.
    public var exhaustedInitial: Duration
    public var exhaustedMaximum: Duration
    /// Attempts in all (nil: no limit but `expiration`).
    public var maxAttempts: Int?
    /// No attempt starts later than this after the first (nil: no limit but `maxAttempts`).
    public var expiration: Duration?
    /// Each wait is the backoff times a random factor in 1 ± jitter.
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(100), multiplier: Double = 2, maximum: Duration = .seconds(5),
        exhaustedInitial: Duration = .seconds(1), exhaustedMaximum: Duration = .seconds(10),
        maxAttempts: Int? = nil, expiration: Duration? = nil, jitter: Double = 0.2
    ) {
        self.initial = initial
        self.multiplier = max(1, multiplier)
        self.maximum = maximum
        self.exhaustedInitial = exhaustedInitial
        self.exhaustedMaximum = exhaustedMaximum
        self.maxAttempts = maxAttempts.map { max(1, $0) }
        self.expiration = expiration
        self.jitter = min(max(0, jitter), 1)
    }

    /// A call made by a sync or an operator: a few attempts.
    public static func attempts(_ count: Int) -> CallRetry {
        CallRetry(maxAttempts: count)
    }

    /// The answer to a task (completed, failed, cancelled): retried for up to a minute, so a
    /// frontend restart or a short outage does not leave the task to time out.
    public static let taskCompletion = CallRetry(
        initial: .milliseconds(100), multiplier: 1.7, maximum: .seconds(5), expiration: .seconds(60))

    /// The wait before attempt `attempt + 1` after `attempt` failed with `code`, jitter
    /// included (`random` in 0..<1).
    public func delay(after attempt: Int, code: TemporalErrorCode, random: Double) -> Duration {
        var backoff = self.backoff(self.initial, cap: self.maximum, attempt: attempt)
        if code == .resourceExhausted {
            backoff = max(backoff, self.backoff(self.exhaustedInitial, cap: self.exhaustedMaximum, attempt: attempt))
        }
        return backoff * (1 + self.jitter * (2 * random - 1))
    }

    private func backoff(_ first: Duration, cap: Duration, attempt: Int) -> Duration {
        var backoff = first
        for _ in 1..<max(1, attempt) where backoff < cap {
            backoff = backoff * self.multiplier
        }
        return min(backoff, cap)
    }

    /// True when another attempt may start after `attempt` attempts, `elapsed` after the first.
    public func allows(attempt: Int, elapsed: Duration) -> Bool {
        if let maxAttempts = self.maxAttempts, attempt >= maxAttempts { return false }
        if let expiration = self.expiration, elapsed >= expiration { return false }
        return self.maxAttempts != nil || self.expiration != nil
    }
}
