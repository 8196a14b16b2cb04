import Foundation
import Synchronization

/// A store in memory, for unit tests and embedding without a database.
public final class InMemoryDocumentStore<Document: StoredDocument>: DocumentStore {
    private struct State {
        var records: [String: StoredRecord<Document>] = [:]
        var generation: Int64 = 0
        var applyCalls = 0
    }

    private let state = Mutex(State())

    public init(records: [StoredRecord<Document>] = []) {
        self.state.withLock { state in
            for record in records { state.records[record.id] = record }
        }
    }

    public func records() async throws -> [StoredRecord<Document>] {
        self.state.withLock { Array($0.records.values).sorted { $0.id < $1.id } }
    }

    public func record(id: String) async throws -> StoredRecord<Document>? {
        self.state.withLock { $0.records[id] }
    }

    /// Replaces one record as it is (tests: a definition disabled behind the sync's back).
    public func put(_ record: StoredRecord<Document>) {
        self.state.withLock { $0.records[record.id] = record }
    }

    public func apply(_ changes: StoreChanges<Document>) async throws -> Int64 {
        let now = Date()
        return self.state.withLock { state in
            state.applyCalls += 1
            guard !changes.isEmpty else { return state.generation }
            for var record in changes.upserts {
                record.retiredAt = nil
                record.updatedAt = now
                state.records[record.id] = record
            }
            for id in changes.retirements {
                state.records[id]?.retiredAt = now
            }
            state.generation += 1
            return state.generation
        }
    }

    public func generation() async throws -> Int64 {
        self.state.withLock { $0.generation }
    }

    /// How many times `apply` was called (a dry run must make none).
    public var applyCalls: Int { self.state.withLock { $0.applyCalls } }
}
