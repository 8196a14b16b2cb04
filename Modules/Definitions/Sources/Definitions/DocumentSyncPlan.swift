/// What a sync of one document kind will do: decided from what the loader found and what
/// the store holds, without I/O, so that every safety rule is a table-driven unit test.
public struct DocumentSyncPlan<Document: StoredDocument>: Sendable, Hashable {
    public var changes: StoreChanges<Document>
    /// What each upsert and retirement is, in id order.
    public var entries: [DocumentChange]
    public var unchanged: Int { self.unchangedIDs.count }
    /// Ids found and already stored as they are, in id order.
    public var unchangedIDs: [String]
    public var invalid: Int
    /// File, duplicate, root and unreadable-row problems, located.
    public var issues: [DefinitionIssue]
    public var warnings: [String]
    /// Where each upserted document is written, so that a store failure names its file.
    public var locations: [String: SourceLocation]
    /// Configured roots that did not load (missing, unreadable, or yielding no documents):
    /// nothing from them, nor from roots no longer configured, is retired.
    public var rootsNotLoaded: [String]
    /// The roots among them that are errors: missing, unreadable, or empty while live
    /// documents came from them. (An empty root nothing came from is only not loaded.)
    public var rootErrors: [String]
    /// Set when the sync would leave no live document of this kind and `allowEmpty` was not
    /// given: the retirements are dropped and this says what was refused.
    public var emptyRefusal: String?

    public var upserted: Int { self.changes.upserts.count }
    public var retired: Int { self.changes.retirements.count }
    public var synced: Int { self.upserted + self.unchanged }

    /// Plans the sync of `Document`s found in `load` against `stored`.
    ///
    /// The safety rules of CONTRACT sections 3 and 8:
    /// - a file that fails keeps the stored state of everything it held or names, and a path
    ///   that cannot be read (a broken symlink) of everything stored from under it;
    /// - an id defined twice is invalid everywhere and keeps its stored state;
    /// - a stored row that cannot be read keeps its id (nothing is retired for it);
    /// - a document gone from files that all parsed is retired, and revived when it returns;
    /// - a missing or unreadable root, or one that yields no documents, retires nothing, and
    ///   while any configured root did not load, neither do roots no longer configured;
    /// - a sync that would retire every live document retires none unless `allowEmpty`.
    public init(
        load: LoadResult,
        stored: [StoredRecord<Document>],
        unreadable: [UnreadableRecord] = [],
        allowEmpty: Bool = false
    ) {
        let kind = Document.kind
        var issues: [DefinitionIssue] = []
        var warnings: [String] = []
        var invalid = 0

        // Files that failed protect what they hold (by stored source) and what they name.
        var protectedIDs: Set<String> = []
        let unreadableIDs = Set(unreadable.map(\.id))
        var failedPaths: [String: [String]] = [:]
        for root in load.roots {
            for file in root.files {
                warnings += file.warnings.filter { $0.kind == kind }.map(\.description)
                guard !file.isValid else { continue }
                failedPaths[root.identity, default: []].append(file.relativePath)
                let named = kind.mentioned(in: file)
                protectedIDs.formUnion(named)
                let namesOtherKind = !(kind == .activity ? file.mentionedEventTypeIDs : file.mentionedActivityIDs)
                    .isEmpty
                if !named.isEmpty || (kind == .activity && !namesOtherKind) {
                    invalid += max(named.count, 1)
                    issues += file.issues
                }
            }
        }
        let duplicates = load.duplicates(of: kind)
        protectedIDs.formUnion(duplicates.ids)
        invalid += duplicates.issues.count
        issues += duplicates.issues
        for record in stored where Self.isUnder(record.source, failedPaths) {
            protectedIDs.insert(record.id)
        }
        // An unreadable row is an error until a valid file of its id replaces it (then a
        // warning: the sync repairs it).
        let candidates = load.candidates(of: kind)
        let replacing = Dictionary(
            candidates.map { ($0.document.document.id, $0.document.location) }, uniquingKeysWith: { first, _ in first })
        for row in unreadable {
            let problem =
                "stored \(kind.noun) \(row.id) cannot be read (column \(row.column): \(row.message))"
            if let location = replacing[row.id], !protectedIDs.contains(row.id) {
                warnings.append("\(problem); replaced by the valid document at \(location)")
                continue
            }
            issues.append(
                DefinitionIssue(
                    .unreadable,
                    at: SourceLocation(path: row.source?.description ?? row.id),
                    "\(problem); it is skipped, and nothing is retired or deleted for it until a valid file replaces it"
                ))
        }

        // Roots that may retire: complete, and not empty.
        let liveByRoot = Dictionary(grouping: stored.filter { !$0.isRetired }, by: \.source.root)
        var retiringRoots: Set<String> = []
        var rootsNotLoaded: [String] = []
        var rootErrors: [String] = []
        for root in load.roots {
            if kind == .activity { issues += root.issues }
            guard root.isComplete else {
                rootsNotLoaded.append(root.root)
                rootErrors.append(root.root)
                continue
            }
            if root.yieldsNoDocuments {
                rootsNotLoaded.append(root.root)
                let live = liveByRoot[root.identity]?.count ?? 0
                if live > 0 {
                    rootErrors.append(root.root)
                    issues.append(
                        DefinitionIssue(
                            .emptyRoot,
                            at: SourceLocation(path: root.root),
                            "definition root yields no documents while \(live) stored \(kind.noun)(s) came from it; nothing is retired (a half-cloned checkout must not wipe schedules)"
                        )
                    )
                }
                continue
            }
            retiringRoots.insert(root.identity)
        }
        let configuredRoots = Set(load.roots.map(\.identity))
        let allRootsRetire = configuredRoots.allSatisfy { retiringRoots.contains($0) }

        // Upserts from valid documents.
        let storedByID = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var upserts: [StoredRecord<Document>] = []
        var entries: [DocumentChange] = []
        var unchangedIDs: [String] = []
        var locations: [String: SourceLocation] = [:]
        var seen: Set<String> = []
        for candidate in candidates {
            let id = candidate.document.document.id
            seen.insert(id)
            guard !protectedIDs.contains(id), let document = Document(candidate.document.document) else { continue }
            let source = DefinitionSource(root: candidate.root.identity, path: candidate.file.relativePath)
            locations[id] = candidate.document.location
            // The same document from the same place is unchanged without hashing it (the hash is
            // a function of both): the common case of a repeat sync costs a comparison.
            if let existing = storedByID[id], !existing.isRetired, existing.document == document,
                existing.source == source
            {
                unchangedIDs.append(id)
                continue
            }
            let record = StoredRecord(document: document, source: source)
            switch storedByID[id] {
            case nil:
                upserts.append(record)
                // An unreadable row is replaced by the valid file: an update of what is stored.
                entries.append(DocumentChange(id: id, action: unreadableIDs.contains(id) ? .update : .create))
            case .some(let existing) where existing.isRetired:
                upserts.append(record)
                entries.append(DocumentChange(id: id, action: .revive))
            case .some(let existing) where existing.contentHash != record.contentHash:
                upserts.append(record)
                entries.append(DocumentChange(id: id, action: .update))
                warnings += document.changeWarnings(from: existing.document).map {
                    "\(candidate.document.location): \($0)"
                }
            case .some:
                unchangedIDs.append(id)
            }
        }

        // Retirements of live documents no longer found.
        var retirements: [String] = []
        var unconfigured: [String: Int] = [:]
        for record in stored
        where !record.isRetired && !seen.contains(record.id) && !protectedIDs.contains(record.id)
            && !unreadableIDs.contains(record.id)
        {
            if configuredRoots.contains(record.source.root) {
                guard retiringRoots.contains(record.source.root) else { continue }
            } else {
                guard allRootsRetire else {
                    unconfigured[record.source.root, default: 0] += 1
                    continue
                }
            }
            retirements.append(record.id)
        }
        for (root, count) in unconfigured.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                "\(count) \(kind.noun)(s) from \(root), which is no longer configured, are kept until every configured root loads (not loaded: \(rootsNotLoaded.joined(separator: ", ")))"
            )
        }

        // The empty guard: never retire every live document unless asked to.
        let live = liveByRoot.values.reduce(0) { $0 + $1.count }
        let arriving = entries.filter { $0.action == .create || $0.action == .revive }.count
        var emptyRefusal: String?
        if !allowEmpty, live > 0, !retirements.isEmpty, live - retirements.count + arriving <= 0 {
            emptyRefusal =
                "refusing to retire all \(live) live \(kind.noun)(s): the files hold none of them; nothing was retired (pass allow_empty=true or --allow-empty if this is intended)"
            retirements = []
        }
        entries += retirements.map { DocumentChange(id: $0, action: .retire) }

        self.changes = StoreChanges(upserts: upserts.sorted { $0.id < $1.id }, retirements: retirements.sorted())
        self.entries = entries.sorted { $0.id < $1.id }
        self.unchangedIDs = unchangedIDs.sorted()
        self.invalid = invalid
        self.issues = issues
        self.warnings = warnings
        self.locations = locations
        self.rootsNotLoaded = rootsNotLoaded
        self.rootErrors = rootErrors
        self.emptyRefusal = emptyRefusal
    }

    /// True when `source` is a path that failed, or lies under one (a broken folder link).
    static func isUnder(_ source: DefinitionSource, _ failedPaths: [String: [String]]) -> Bool {
        guard let paths = failedPaths[source.root] else { return false }
        return paths.contains { source.path == $0 || source.path.hasPrefix($0 + "/") }
    }
}
