/// What one definition file yielded.
public struct ParsedFile: Sendable, Hashable {
    /// The path as the loader reports it in messages (root joined with the relative path).
    public var path: String
    /// The path relative to its root, as stored in `source`.
    public var relativePath: String
    /// Valid documents. When `issues` is not empty the sync applies none of them.
    public var documents: [LocatedDocument]
    public var issues: [DefinitionIssue]
    /// Problems that do not fail the file (a likely misspelt top-level key).
    public var warnings: [DefinitionWarning] = []
    /// Activity definition ids this file names, valid or not (best effort). A failing file
    /// protects the stored state of every id it names.
    public var mentionedActivityIDs: Set<String>
    /// Event type ids this file names, valid or not (best effort).
    public var mentionedEventTypeIDs: Set<String>

    public init(
        path: String,
        relativePath: String,
        documents: [LocatedDocument] = [],
        issues: [DefinitionIssue] = [],
        mentionedActivityIDs: Set<String> = [],
        mentionedEventTypeIDs: Set<String> = []
    ) {
        self.path = path
        self.relativePath = relativePath
        self.documents = documents
        self.issues = issues
        self.mentionedActivityIDs = mentionedActivityIDs
        self.mentionedEventTypeIDs = mentionedEventTypeIDs
    }

    /// True when the file parsed and every document in it validated.
    public var isValid: Bool { self.issues.isEmpty }
}
