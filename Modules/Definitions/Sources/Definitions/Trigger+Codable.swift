// Stored form of the validated documents: the contract's file keys (snake_case), so that
// what the store and the admin API show reads like the file that produced it.

extension Trigger: Codable {
    enum CodingKeys: String, CodingKey {
        case type
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "cron": self = .cron(try CronTrigger(from: decoder))
        case "event": self = .event(try EventTrigger(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown trigger type \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.typeName, forKey: .type)
        switch self {
        case .cron(let cron): try cron.encode(to: encoder)
        case .event(let event): try event.encode(to: encoder)
        }
    }
}

extension ActivityAction.Kind: Codable {}
