/// How failed attempts of an action are retried.
public struct RetryPolicy: Sendable, Hashable, Codable {
    public var maxAttempts: Int
    public var initialIntervalSeconds: Double
    public var backoff: Double
    public var maxIntervalSeconds: Double

    public init(
        maxAttempts: Int = 3,
        initialIntervalSeconds: Double = 1,
        backoff: Double = 2.0,
        maxIntervalSeconds: Double = 60
    ) {
        self.maxAttempts = maxAttempts
        self.initialIntervalSeconds = initialIntervalSeconds
        self.backoff = backoff
        self.maxIntervalSeconds = maxIntervalSeconds
    }

    enum CodingKeys: String, CodingKey {
        case maxAttempts = "max_attempts"
        case initialIntervalSeconds = "initial_interval_seconds"
        case backoff
        case maxIntervalSeconds = "max_interval_seconds"
    }
}
