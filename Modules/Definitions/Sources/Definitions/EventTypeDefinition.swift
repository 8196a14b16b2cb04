/// An event type as read from a file and validated.
public struct EventTypeDefinition: Sendable, Hashable, Codable {
    public var id: String
    public var version: String?
    public var publisher: String?
    /// An extra NATS subject the router listens on.
    public var subject: String?
    public var enabled: Bool
    public var description: String?
    /// The whole document as written, as JSON.
    public var document: JSONValue

    public init(
        id: String,
        version: String? = nil,
        publisher: String? = nil,
        subject: String? = nil,
        enabled: Bool = true,
        description: String? = nil,
        document: JSONValue
    ) {
        self.id = id
        self.version = version
        self.publisher = publisher
        self.subject = subject
        self.enabled = enabled
        self.description = description
        self.document = document
    }

    enum CodingKeys: String, CodingKey {
        case id, version, publisher, subject, enabled, description, document
    }
}
