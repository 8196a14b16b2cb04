extension JetStream {
    /// `CONSUMER.MSG.NEXT`'s request: how many messages, until when, and the idle heartbeat.
    struct PullRequest: Codable, Sendable, Equatable {
        var batch: Int
        /// Nanoseconds.
        var expires: Int64
        /// Nanoseconds; nil = none.
        var idleHeartbeat: Int64?

        enum CodingKeys: String, CodingKey {
            case batch, expires
            case idleHeartbeat = "idle_heartbeat"
        }
    }
}
