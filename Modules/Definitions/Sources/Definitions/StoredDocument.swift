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
    /// What an operator should notice about this update of `previous` (a definition that
    /// lost its trigger), as warnings.
    func changeWarnings(from previous: Self) -> [String]
}

extension StoredDocument {
    public func changeWarnings(from previous: Self) -> [String] { [] }
}

extension ActivityDefinition: StoredDocument {
    public var displayName: String { self.name }
    public var isEnabled: Bool { self.enabled }
    public static var kind: DocumentKind { .activity }

    public init?(_ document: DefinitionDocument) {
        guard case .activity(let definition) = document else { return nil }
        self = definition
    }

    public func changeWarnings(from previous: ActivityDefinition) -> [String] {
        guard self.trigger == nil, let lost = previous.trigger else { return [] }
        let kind =
            switch lost {
            case .cron: "cron"
            case .event: "event"
            }
        return [
            "activity definition \(self.id) lost its \(kind) trigger; it now runs only when triggered by hand\(kind == "cron" ? " and its schedule is removed" : "")"
        ]
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
