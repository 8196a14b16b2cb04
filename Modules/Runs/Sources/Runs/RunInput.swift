import Definitions

/// The input of `RunActivityWorkflow` (CONTRACT sections 4 and 5):
/// `{"activity_id", "trigger", "event"}`.
public struct RunInput: Sendable, Hashable, Codable {
    public var activityID: String
    /// `cron`, `event` or `manual`.
    public var trigger: String
    public var event: JSONValue?

    public init(activityID: String, trigger: String, event: JSONValue? = nil) {
        self.activityID = activityID
        self.trigger = trigger
        self.event = event
    }

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id"
        case trigger, event
    }

    /// The input as JSON: `{"activity_id", "trigger"}` and `"event"` when there is one (a
    /// schedule's input is part of its spec, so its shape never changes).
    public var json: JSONValue {
        var object: [String: JSONValue] = ["activity_id": .string(self.activityID), "trigger": .string(self.trigger)]
        if let event = self.event { object["event"] = event }
        return .object(object)
    }
}
