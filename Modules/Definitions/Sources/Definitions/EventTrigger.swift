/// A trigger that fires when an event of a type arrives and every filter matches.
public struct EventTrigger: Sendable, Hashable, Codable {
    public var eventType: String
    /// Dotted paths from the envelope's root, each of which must equal its value.
    public var filters: [String: JSONValue]

    public init(eventType: String, filters: [String: JSONValue] = [:]) {
        self.eventType = eventType
        self.filters = filters
    }

    enum CodingKeys: String, CodingKey {
        case eventType = "event_type"
        case filters
    }
}
