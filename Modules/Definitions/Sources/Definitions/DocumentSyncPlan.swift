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
    /// File, duplicate and root problems, located.
    public var issues: [DefinitionIssue]
    public var warnings: [String]

    public var upserted: Int { self.changes.upserts.count }
    public var retired: Int { self.changes.retirements.count }
    public var synced: Int { self.upserted + self.unchanged }

    /// Plans the sync of `Document`s found in `load` against `stored`.
    ///
    /// The safety rules of CONTRACT section 3:
    /// - a file that fails keeps the stored state of everything it held or names;
    /// - an id defined twice is invalid everywhere and keeps its stored state;
    /// - a document gone from files that all parsed is retired, and revived when it returns;
    /// - a missing or unreadable root, or one that yields no documents while the store holds
    ///   live ones from it, retires nothing.
    public init(load: LoadResult, stored: [StoredRecord<Document>]) {
        let kind = Document.kind
        var issues: [DefinitionIssue] = []
        var warnings: [String] = []
        var invalid = 0

        // Files that failed protect what they hold (by stored source) and what they name.
        var protectedIDs: Set<String> = []
        var failedSources: Set<DefinitionSource> = []
        for root in load.roots {
            for file in root.files where !file.isValid {
                failedSources.insert(DefinitionSource(root: root.identity, path: file.relativePath))
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
        for record in stored where failedSources.contains(record.source) {
            protectedIDs.insert(record.id)
        }

        // Roots that may retire: complete, and not suspiciously empty.
        let liveByRoot = Dictionary(grouping: stored.filter { !$0.isRetired }, by: \.source.root)
        var retiringRoots: Set<String> = []
        for root in load.roots {
            if kind == .activity { issues += root.issues }
            guard root.isComplete else { continue }
            let live = liveByRoot[root.identity]?.count ?? 0
            if root.yieldsNoDocuments && live > 0 {
                issues.append(
                    DefinitionIssue(
                        .emptyRoot,
                        at: SourceLocation(path: root.root),
                        "definition root yields no documents while \(live) stored \(kind.noun)(s) came from it; nothing is retired (a half-cloned checkout must not wipe schedules)"
                    )
                )
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
        var seen: Set<String> = []
        for candidate in load.candidates(of: kind) {
            let id = candidate.document.document.id
            seen.insert(id)
            guard !protectedIDs.contains(id), let document = Document(candidate.document.document) else { continue }
            let record = StoredRecord(
                document: document,
                source: DefinitionSource(root: candidate.root.identity, path: candidate.file.relativePath))
            switch storedByID[id] {
            case nil:
                upserts.append(record)
                entries.append(DocumentChange(id: id, action: .create))
            case .some(let existing) where existing.isRetired:
                upserts.append(record)
                entries.append(DocumentChange(id: id, action: .revive))
            case .some(let existing) where existing.contentHash != record.contentHash:
                upserts.append(record)
                entries.append(DocumentChange(id: id, action: .update))
            case .some:
                unchangedIDs.append(id)
            }
        }

        // Retirements of live documents no longer found.
        var retirements: [String] = []
        var unconfigured: [String: Int] = [:]
        for record in stored where !record.isRetired && !seen.contains(record.id) && !protectedIDs.contains(record.id) {
            if configuredRoots.contains(record.source.root) {
                guard retiringRoots.contains(record.source.root) else { continue }
            } else {
                guard allRootsRetire else {
                    unconfigured[record.source.root, default: 0] += 1
                    continue
                }
            }
            retirements.append(record.id)
            entries.append(DocumentChange(id: record.id, action: .retire))
        }
        for (root, count) in unconfigured.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                "\(count) \(kind.noun)(s) from \(root), which is no longer configured, are kept until every configured root loads"
            )
        }

        self.changes = StoreChanges(upserts: upserts.sorted { $0.id < $1.id }, retirements: retirements.sorted())
        self.entries = entries.sorted { $0.id < $1.id }
        self.unchangedIDs = unchangedIDs.sorted()
        self.invalid = invalid
        self.issues = issues
        self.warnings = warnings
    }
}
