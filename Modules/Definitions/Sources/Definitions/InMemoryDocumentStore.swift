import Foundation
import Synchronization

/// A store in memory, for unit tests and embedding without a database.
public final class InMemoryDocumentStore<Document: StoredDocument>: DocumentStore {
    private struct State {
        var records: [String: StoredRecord<Document>] = [:]
        var generation: Int64 = 0
        var applyCalls = 0
        var unreadable: [UnreadableRecord] = []
        var refused: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init(records: [StoredRecord<Document>] = []) {
        self.state.withLock { state in
            for record in records { state.records[record.id] = record }
        }
    }

    public func contents() async throws -> StoredContents<Document> {
        self.state.withLock {
            StoredContents(records: Array($0.records.values).sorted { $0.id < $1.id }, unreadable: $0.unreadable)
        }
    }

    public func record(id: String) async throws -> StoredRecord<Document>? {
        try self.state.withLock { state in
            if let row = state.unreadable.first(where: { $0.id == id }) {
                throw InMemoryStoreError(message: "stored \(row.id) cannot be read (column \(row.column))")
            }
            return state.records[id]
        }
    }

    /// Makes a row unreadable (tests: a row edited by hand); it replaces a record of that id.
    public func putUnreadable(_ row: UnreadableRecord) {
        self.state.withLock {
            $0.records[row.id] = nil
            $0.unreadable.append(row)
        }
    }

    /// Makes the store refuse every upsert of `id` with `reason` (tests: a value the
    /// database cannot hold).
    public func refuse(id: String, reason: String) {
        self.state.withLock { $0.refused[id] = reason }
    }

    /// Replaces one record as it is (tests: a definition disabled behind the sync's back).
    public func put(_ record: StoredRecord<Document>) {
        self.state.withLock { $0.records[record.id] = record }
    }

    public func apply(_ changes: StoreChanges<Document>) async throws -> StoreApplyResult {
        let now = Date()
        return self.state.withLock { state in
            state.applyCalls += 1
            var failures: [String: String] = [:]
            var wrote = false
            for var record in changes.upserts {
                if let reason = state.refused[record.id] {
                    failures[record.id] = reason
                    continue
                }
                record.retiredAt = nil
                record.updatedAt = now
                state.records[record.id] = record
                state.unreadable.removeAll { $0.id == record.id }
                wrote = true
            }
            for id in changes.retirements {
                state.records[id]?.retiredAt = now
                wrote = true
            }
            if wrote { state.generation += 1 }
            return StoreApplyResult(generation: state.generation, failures: failures)
        }
    }

    public func generation() async throws -> Int64 {
        self.state.withLock { $0.generation }
    }

    /// How many times `apply` was called (a dry run must make none).
    public var applyCalls: Int { self.state.withLock { $0.applyCalls } }
}

/// A failure of the in-memory store (a row made unreadable by a test).
public struct InMemoryStoreError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}
