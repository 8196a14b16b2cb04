/// The storage seam for one document kind. A production store keeps records in
/// PostgreSQL; the in-memory one backs unit tests.
public protocol DocumentStore<Document>: Sendable {
    associatedtype Document: StoredDocument

    /// Every record, retired ones included.
    func records() async throws -> [StoredRecord<Document>]

    /// One record by id, retired or not; nil when there is none.
    func record(id: String) async throws -> StoredRecord<Document>?

    /// Applies upserts and retirements in one transaction and returns the generation after
    /// it. The generation is bumped only when `changes` is not empty.
    func apply(_ changes: StoreChanges<Document>) async throws -> Int64

    /// A counter that changes whenever stored content of this kind changes.
    func generation() async throws -> Int64
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
