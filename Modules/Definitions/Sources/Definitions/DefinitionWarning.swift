/// A problem that does not fail its file, such as a top-level key that looks like a
/// misspelt contract key: shown by `validate`, `plan` and the sync report.
public struct DefinitionWarning: Sendable, Hashable, CustomStringConvertible {
    /// The kind of document it was found in, so that each sync stage reports its own.
    public var kind: DocumentKind
    public var issue: DefinitionIssue

    public init(kind: DocumentKind, issue: DefinitionIssue) {
        self.kind = kind
        self.issue = issue
    }

    /// `path:line:column: message`.
    public var description: String { self.issue.description }
}
