import Logging

/// Syncs one document kind from definition roots into a store, applying the safety rules
/// of CONTRACT section 3 (see `DocumentSyncPlan`).
public struct DocumentSync<Store: DocumentStore>: Sendable {
    public let store: Store
    public let loader: DefinitionLoader

    public init(store: Store, loader: DefinitionLoader = DefinitionLoader()) {
        self.store = store
        self.loader = loader
    }

    /// Loads the roots and syncs them.
    public func sync(roots: [String], dryRun: Bool = false, allowEmpty: Bool = false, logger: Logger) async throws
        -> DocumentSyncReport
    {
        try await self.sync(
            load: self.loader.loadInBackground(roots: roots), dryRun: dryRun, allowEmpty: allowEmpty,
            logger: logger)
    }

    /// Syncs an already loaded set of roots (the shared sync service loads once for both
    /// document kinds) against `stored`, the store's contents when the caller has read them
    /// already. Store failures of the whole write are thrown; a document the store refuses,
    /// and every file problem, is in the report.
    public func sync(
        load: LoadResult, stored given: StoredContents<Store.Document>? = nil, dryRun: Bool = false,
        allowEmpty: Bool = false, logger: Logger
    ) async throws -> DocumentSyncReport {
        let stored: StoredContents<Store.Document>
        if let given { stored = given } else { stored = try await self.store.contents() }
        let plan = DocumentSyncPlan<Store.Document>(
            load: load, stored: stored.records, unreadable: stored.unreadable, allowEmpty: allowEmpty)
        var result = StoreApplyResult(generation: 0)
        if dryRun || plan.changes.isEmpty {
            result.generation = try await self.store.generation()
        } else {
            result = try await self.store.apply(plan.changes)
        }
        var issues = plan.issues
        for (id, reason) in result.failures.sorted(by: { $0.key < $1.key }) {
            issues.append(
                DefinitionIssue(
                    .store, at: plan.locations[id] ?? SourceLocation(path: id),
                    "\(Store.Document.kind.noun) \(id) cannot be stored (\(reason)); what is stored for it is kept"))
        }
        for issue in issues {
            logger.warning(
                "definition problem", metadata: ["sync.kind": "\(Store.Document.kind.rawValue)", "issue": "\(issue)"])
        }
        let failed = Set(result.failures.keys)
        let upserted = plan.upserted - failed.count
        return DocumentSyncReport(
            dryRun: dryRun,
            synced: upserted + plan.unchanged,
            upserted: upserted,
            unchanged: plan.unchanged,
            retired: plan.retired,
            invalid: plan.invalid + failed.count,
            changes: plan.entries.filter { !failed.contains($0.id) },
            unchangedIDs: plan.unchangedIDs,
            issues: issues,
            warnings: plan.warnings,
            generation: result.generation,
            rootsNotLoaded: plan.rootsNotLoaded,
            rootErrors: plan.rootErrors,
            storeFailures: failed.count,
            emptyRefusal: plan.emptyRefusal
        )
    }
}

/// The sync of activity definitions.
public typealias DefinitionSync<Store: DocumentStore> = DocumentSync<Store> where Store.Document == ActivityDefinition
