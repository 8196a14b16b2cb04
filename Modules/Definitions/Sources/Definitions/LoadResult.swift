/// Everything the loader found under the configured roots.
public struct LoadResult: Sendable, Hashable {
    public var roots: [LoadedRoot]

    public init(roots: [LoadedRoot]) {
        self.roots = roots
    }

    /// Every file problem, root problem and duplicate id, in path order: what
    /// `activity-core validate` prints.
    public var allIssues: [DefinitionIssue] {
        var issues = self.roots.flatMap { $0.issues + $0.files.flatMap(\.issues) }
        issues += self.duplicates(of: .activity).issues + self.duplicates(of: .eventType).issues
        return issues.sorted {
            ($0.location.path, $0.location.line, $0.location.column) < (
                $1.location.path, $1.location.line, $1.location.column
            )
        }
    }

    /// Every warning (a likely misspelt key), in path order.
    public var allWarnings: [DefinitionWarning] {
        self.roots.flatMap { $0.files.flatMap(\.warnings) }.sorted {
            ($0.issue.location.path, $0.issue.location.line, $0.issue.location.column) < (
                $1.issue.location.path, $1.issue.location.line, $1.issue.location.column
            )
        }
    }

    /// Every valid document of one kind in a valid file, with its root.
    func candidates(of kind: DocumentKind) -> [(root: LoadedRoot, file: ParsedFile, document: LocatedDocument)] {
        self.roots.flatMap { root in
            root.files.filter(\.isValid).flatMap { file in
                file.documents.filter { kind.matches($0.document) }.map { (root, file, $0) }
            }
        }
    }

    /// Ids defined more than once (in valid files) and one issue per copy.
    func duplicates(of kind: DocumentKind) -> (ids: Set<String>, issues: [DefinitionIssue]) {
        let byID = Dictionary(grouping: self.candidates(of: kind), by: { $0.document.document.id })
        var ids: Set<String> = []
        var issues: [DefinitionIssue] = []
        for (id, copies) in byID where copies.count > 1 {
            ids.insert(id)
            for copy in copies {
                let others = copies.filter { $0.document.location != copy.document.location }.map {
                    $0.document.location.description
                }
                issues.append(
                    DefinitionIssue(
                        .duplicateID,
                        at: copy.document.location,
                        "\(kind.noun) id \"\(id)\" is defined \(copies.count) times (also at \(others.joined(separator: ", "))); every copy is ignored"
                    )
                )
            }
        }
        return (ids, issues)
    }
}

/// The two kinds of document the loader yields.
public enum DocumentKind: String, Sendable, Hashable {
    case activity
    case eventType

    var noun: String {
        switch self {
        case .activity: "activity definition"
        case .eventType: "event type"
        }
    }

    func matches(_ document: DefinitionDocument) -> Bool {
        switch (self, document) {
        case (.activity, .activity), (.eventType, .eventType): true
        default: false
        }
    }

    func mentioned(in file: ParsedFile) -> Set<String> {
        switch self {
        case .activity: file.mentionedActivityIDs
        case .eventType: file.mentionedEventTypeIDs
        }
    }
}

extension LoadResult {
    /// Subjects that more than one enabled event type (in valid files) names, with where each
    /// is defined: a sync error (CONTRACT section 8), since untyped events on that subject
    /// could only go to one of them.
    public var sharedEventTypeSubjects: [(subject: String, owners: [(id: String, location: SourceLocation)])] {
        var bySubject: [String: [(id: String, location: SourceLocation)]] = [:]
        for candidate in self.candidates(of: .eventType) {
            guard case .eventType(let type) = candidate.document.document, type.enabled, let subject = type.subject
            else { continue }
            bySubject[subject, default: []].append((type.id, candidate.document.location))
        }
        return bySubject.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { subject, owners in
            (subject, owners.sorted { $0.id < $1.id })
        }
    }
}
