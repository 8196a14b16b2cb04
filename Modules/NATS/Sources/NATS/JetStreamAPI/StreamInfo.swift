import Definitions

extension JetStream {
    /// `STREAM.INFO`'s answer: the configuration (typed, and as sent, to update it without
    /// losing what is not modelled), the creation time and the message count.
    struct StreamInfo: APIResponse {
        struct State: Decodable, Sendable {
            var messages: Int?
        }

        var configuration: StreamConfiguration?
        var rawConfiguration: JSONValue?
        var created: String?
        var state: State?
        var error: APIError?

        enum CodingKeys: String, CodingKey {
            case configuration = "config"
            case created, state, error
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.configuration = try container.decodeIfPresent(StreamConfiguration.self, forKey: .configuration)
            self.rawConfiguration = try container.decodeIfPresent(JSONValue.self, forKey: .configuration)
            self.created = try container.decodeIfPresent(String.self, forKey: .created)
            self.state = try container.decodeIfPresent(State.self, forKey: .state)
            self.error = try container.decodeIfPresent(APIError.self, forKey: .error)
        }
    }
}
