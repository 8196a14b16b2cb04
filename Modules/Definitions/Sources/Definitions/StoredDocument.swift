/// A document kind the store keeps: activity definitions and event types.
public protocol StoredDocument: Codable, Sendable, Hashable {
    var id: String { get }
    /// Shown in listings; the id when there is no better name.
    var displayName: String { get }
    var isEnabled: Bool { get }
    /// Which kind of document this is, for the loader and the store's table.
    static var kind: DocumentKind { get }
    /// Extracts a document of this kind from a loaded one.
    init?(_ document: DefinitionDocument)
}

extension ActivityDefinition: StoredDocument {
    public var displayName: String { self.name }
    public var isEnabled: Bool { self.enabled }
    public static var kind: DocumentKind { .activity }

    public init?(_ document: DefinitionDocument) {
        guard case .activity(let definition) = document else { return nil }
        self = definition
    }
}

extension EventTypeDefinition: StoredDocument {
    public var displayName: String { self.id }
    public var isEnabled: Bool { self.enabled }
    public static var kind: DocumentKind { .eventType }

    public init?(_ document: DefinitionDocument) {
        guard case .eventType(let eventType) = document else { return nil }
        self = eventType
    }
}
