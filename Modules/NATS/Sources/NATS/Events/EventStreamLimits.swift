/// What bounds the event stream (CONTRACT section 8): `max_age` and `max_bytes` of a stream
/// the worker creates (an existing stream keeps its own), its replicas (README, "NATS in production"),
/// and the durable consumer's `max_deliver`, after which the router dead-letters an event.
public struct EventStreamLimits: Sendable, Hashable {
    public var maxAge: Duration
    public var maxBytes: Int64
    public var maxDeliver: Int
    /// `num_replicas` of a stream the worker creates (3 in a three-node cluster).
    public var replicas: Int

    public init(
        maxAge: Duration = .seconds(604_800), maxBytes: Int64 = 1_073_741_824, maxDeliver: Int = 10, replicas: Int = 1
    ) {
        self.maxAge = maxAge
        self.maxBytes = maxBytes
        self.maxDeliver = maxDeliver
        self.replicas = replicas
    }
}
