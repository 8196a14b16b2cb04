/// The outcome of syncing one document kind: the contract's counts plus what changed.
public struct DocumentSyncReport: Sendable, Hashable {
    public var dryRun: Bool
    /// Valid documents read this run: upserted + unchanged.
    public var synced: Int
    public var upserted: Int
    public var unchanged: Int
    public var retired: Int
    public var invalid: Int
    public var changes: [DocumentChange]
    /// Ids that were found and needed no write, in id order.
    public var unchangedIDs: [String]
    public var issues: [DefinitionIssue]
    public var warnings: [String]
    /// The store's generation after the sync (unchanged by a dry run or a no-op).
    public var generation: Int64
    /// Configured roots that did not load (missing, unreadable, or yielding no documents).
    public var rootsNotLoaded: [String]
    /// Those of them that are errors (missing, unreadable, or empty while live documents came
    /// from them).
    public var rootErrors: [String]
    /// Documents the store refused (each one is also an issue).
    public var storeFailures: Int
    /// Set when retirements were refused because none of this kind would be left live.
    public var emptyRefusal: String?

    public init(
        dryRun: Bool,
        synced: Int,
        upserted: Int,
        unchanged: Int,
        retired: Int,
        invalid: Int,
        changes: [DocumentChange],
        unchangedIDs: [String] = [],
        issues: [DefinitionIssue],
        warnings: [String],
        generation: Int64,
        rootsNotLoaded: [String] = [],
        rootErrors: [String] = [],
        storeFailures: Int = 0,
        emptyRefusal: String? = nil
    ) {
        self.dryRun = dryRun
        self.synced = synced
        self.upserted = upserted
        self.unchanged = unchanged
        self.retired = retired
        self.invalid = invalid
        self.changes = changes
        self.unchangedIDs = unchangedIDs
        self.issues = issues
        self.warnings = warnings
        self.generation = generation
        self.rootsNotLoaded = rootsNotLoaded
        self.rootErrors = rootErrors
        self.storeFailures = storeFailures
        self.emptyRefusal = emptyRefusal
    }

    /// True when nothing was (or would be) written.
    public var isNoOp: Bool { self.changes.isEmpty }
}
