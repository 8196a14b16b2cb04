/// What one root yielded.
public struct LoadedRoot: Sendable, Hashable {
    /// The root as configured, used in messages.
    public var root: String
    /// The absolute, standardized path: the `source.root` stored with each definition.
    public var identity: String
    public var files: [ParsedFile]
    /// Problems with the root itself (missing, unreadable folder). When not empty, nothing
    /// stored from this root is retired.
    public var issues: [DefinitionIssue]

    public init(root: String, identity: String, files: [ParsedFile] = [], issues: [DefinitionIssue] = []) {
        self.root = root
        self.identity = identity
        self.files = files
        self.issues = issues
    }

    /// True when the root and every folder under it could be read.
    public var isComplete: Bool { self.issues.isEmpty }

    /// True when no file under the root yielded or named any document.
    public var yieldsNoDocuments: Bool {
        self.files.allSatisfy { file in
            file.documents.isEmpty && file.mentionedActivityIDs.isEmpty && file.mentionedEventTypeIDs.isEmpty
        }
    }
}
