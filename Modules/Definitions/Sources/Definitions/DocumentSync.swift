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
    public func sync(roots: [String], dryRun: Bool = false, logger: Logger) async throws -> DocumentSyncReport {
        try await self.sync(load: self.loader.load(roots: roots), dryRun: dryRun, logger: logger)
    }

    /// Syncs an already loaded set of roots (the shared sync service loads once for both
    /// document kinds) against `stored`, the store's records when the caller has read them
    /// already. Store failures are thrown; file problems are in the report.
    public func sync(
        load: LoadResult, stored given: [StoredRecord<Store.Document>]? = nil, dryRun: Bool = false,
        logger: Logger
    ) async throws -> DocumentSyncReport {
        let stored: [StoredRecord<Store.Document>]
        if let given { stored = given } else { stored = try await self.store.records() }
        let plan = DocumentSyncPlan<Store.Document>(load: load, stored: stored)
        let generation: Int64
        if dryRun || plan.changes.isEmpty {
            generation = try await self.store.generation()
        } else {
            generation = try await self.store.apply(plan.changes)
        }
        for issue in plan.issues {
            logger.warning(
                "definition problem", metadata: ["sync.kind": "\(Store.Document.kind.rawValue)", "issue": "\(issue)"])
        }
        return DocumentSyncReport(
            dryRun: dryRun,
            synced: plan.synced,
            upserted: plan.upserted,
            unchanged: plan.unchanged,
            retired: plan.retired,
            invalid: plan.invalid,
            changes: plan.entries,
            unchangedIDs: plan.unchangedIDs,
            issues: plan.issues,
            warnings: plan.warnings,
            generation: generation
        )
    }
}

/// The sync of activity definitions.
public typealias DefinitionSync<Store: DocumentStore> = DocumentSync<Store> where Store.Document == ActivityDefinition
