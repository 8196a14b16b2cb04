/// One valid document from a definition file.
public enum DefinitionDocument: Sendable, Hashable {
    case activity(ActivityDefinition)
    case eventType(EventTypeDefinition)

    public var id: String {
        switch self {
        case .activity(let definition): definition.id
        case .eventType(let eventType): eventType.id
        }
    }
}

/// A valid document and where it was found.
public struct LocatedDocument: Sendable, Hashable {
    public var document: DefinitionDocument
    /// Where its `id` is written (or where the document starts).
    public var location: SourceLocation

    public init(document: DefinitionDocument, location: SourceLocation) {
        self.document = document
        self.location = location
    }
}
