extension JetStream {
    /// A durable pull consumer's settings, as created by the router.
    struct ConsumerConfiguration: Codable, Sendable, Equatable {
        var durableName: String?
        var ackPolicy: String?
        var deliverPolicy: String?
        /// Nanoseconds.
        var ackWait: Int64?
        /// -1 = unlimited.
        var maxDeliver: Int?
        var startSequence: UInt64?

        enum CodingKeys: String, CodingKey {
            case durableName = "durable_name"
            case ackPolicy = "ack_policy"
            case deliverPolicy = "deliver_policy"
            case ackWait = "ack_wait"
            case maxDeliver = "max_deliver"
            case startSequence = "opt_start_seq"
        }
    }

    /// `CONSUMER.CREATE`'s request.
    struct CreateConsumer: Encodable, Sendable {
        var stream: String
        var configuration: ConsumerConfiguration

        enum CodingKeys: String, CodingKey {
            case stream = "stream_name"
            case configuration = "config"
        }
    }

    /// `CONSUMER.INFO`'s (and `CONSUMER.CREATE`'s) answer.
    struct ConsumerInfo: APIResponse {
        var configuration: ConsumerConfiguration?
        var error: APIError?

        enum CodingKeys: String, CodingKey {
            case configuration = "config"
            case error
        }
    }
}
