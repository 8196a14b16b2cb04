/// A stored row that cannot be read back as a document (edited by hand, or written by
/// another version). It is skipped everywhere and protects its id: nothing is retired or
/// deleted for it until a valid file replaces it.
public struct UnreadableRecord: Sendable, Hashable {
    public var id: String
    /// Where it came from, when that much could be read.
    public var source: DefinitionSource?
    /// The column that could not be read.
    public var column: String
    public var message: String

    public init(id: String, source: DefinitionSource?, column: String, message: String) {
        self.id = id
        self.source = source
        self.column = column
        self.message = message
    }
}
