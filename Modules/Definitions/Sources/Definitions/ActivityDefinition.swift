/// An activity definition as read from a file and validated.
public struct ActivityDefinition: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var version: String?
    public var enabled: Bool
    public var owner: String?
    /// `nil` for a definition that only runs when triggered by hand.
    public var trigger: Trigger?
    /// `nil` means the configured default action.
    public var action: ActivityAction?
    public var input: JSONValue?
    /// The whole document as written (extra top-level keys included), as JSON.
    public var document: JSONValue
    /// The markdown body of an `.md` definition; documentation, kept as such.
    public var body: String?

    public init(
        id: String,
        name: String? = nil,
        version: String? = nil,
        enabled: Bool = true,
        owner: String? = nil,
        trigger: Trigger? = nil,
        action: ActivityAction? = nil,
        input: JSONValue? = nil,
        document: JSONValue,
        body: String? = nil
    ) {
        self.id = id
        self.name = name ?? id
        self.version = version
        self.enabled = enabled
        self.owner = owner
        self.trigger = trigger
        self.action = action
        self.input = input
        self.document = document
        self.body = body
    }

    enum CodingKeys: String, CodingKey {
        case id, name, version, enabled, owner, trigger, action, input, document, body
    }
}
