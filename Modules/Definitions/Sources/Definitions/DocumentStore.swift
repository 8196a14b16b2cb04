/// The storage seam for one document kind. A production store keeps records in
/// PostgreSQL; the in-memory one backs unit tests.
public protocol DocumentStore<Document>: Sendable {
    associatedtype Document: StoredDocument

    /// Every record, retired ones included, and the rows that cannot be read.
    func contents() async throws -> StoredContents<Document>

    /// One record by id, retired or not; nil when there is none. Throws when its row cannot
    /// be read.
    func record(id: String) async throws -> StoredRecord<Document>?

    /// Applies upserts and retirements in one transaction and returns the generation after
    /// it. An upsert the store refuses is left out and named in the result; the others still
    /// apply. The generation is bumped only when something was written.
    func apply(_ changes: StoreChanges<Document>) async throws -> StoreApplyResult

    /// A counter that changes whenever stored content of this kind changes.
    func generation() async throws -> Int64
}

extension DocumentStore {
    /// Every readable record, retired ones included (rows that cannot be read are skipped).
    public func records() async throws -> [StoredRecord<Document>] {
        try await self.contents().records
    }
}

/// What a store holds of one kind.
public struct StoredContents<Document: StoredDocument>: Sendable, Hashable {
    public var records: [StoredRecord<Document>]
    /// Rows that cannot be read: skipped, and their ids protected.
    public var unreadable: [UnreadableRecord]

    public init(records: [StoredRecord<Document>], unreadable: [UnreadableRecord] = []) {
        self.records = records
        self.unreadable = unreadable
    }
}

/// What one `apply` did.
public struct StoreApplyResult: Sendable, Hashable {
    /// The store's generation afterwards.
    public var generation: Int64
    /// Upserts the store refused, by id, with the store's reason.
    public var failures: [String: String]

    public init(generation: Int64, failures: [String: String] = [:]) {
        self.generation = generation
        self.failures = failures
    }
}

/// The store that keeps activity definitions.
public typealias DefinitionStore = DocumentStore<ActivityDefinition>

/// Writes for one sync of one kind.
public struct StoreChanges<Document: StoredDocument>: Sendable, Hashable {
    /// Created, updated or revived records; `retiredAt` of each is nil.
    public var upserts: [StoredRecord<Document>]
    /// Ids to mark retired.
    public var retirements: [String]

    public init(upserts: [StoredRecord<Document>] = [], retirements: [String] = []) {
        self.upserts = upserts
        self.retirements = retirements
    }

    public var isEmpty: Bool { self.upserts.isEmpty && self.retirements.isEmpty }
}
