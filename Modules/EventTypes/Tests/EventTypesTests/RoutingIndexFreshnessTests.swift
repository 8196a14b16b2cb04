import Definitions
import Foundation
import Synchronization
import Testing

@testable import EventTypes

@Suite("The routing index while notifications are down")
struct RoutingIndexFreshnessTests {
    static func eventDefinition(_ id: String) -> StoredRecord<ActivityDefinition> {
        StoredRecord(
            document: ActivityDefinition(
                id: id, trigger: .event(EventTrigger(eventType: "t")), document: .null),
            source: DefinitionSource(root: "/r", path: "\(id).yaml"))
    }

    @Test("with LISTEN down each batch reads the generations and picks up a change; with LISTEN up it reads nothing")
    func beforeBatch() async throws {
        let definitions = InMemoryDocumentStore<ActivityDefinition>()
        let eventTypes = InMemoryDocumentStore<EventTypeDefinition>()
        let listener = FakeChangeFeed()
        let provider = StoreRoutingIndexProvider(
            definitions: definitions, eventTypes: eventTypes, listener: listener)
        #expect(try await provider.currentIndex().definitionCount == 0)
        _ = try await definitions.apply(StoreChanges(upserts: [Self.eventDefinition("a")], retirements: []))

        listener.setListening(true)
        let readsBefore = await provider.reads
        await provider.beforeBatch()
        #expect(await provider.reads == readsBefore)
        #expect(try await provider.currentIndex().definitionCount == 0)

        listener.setListening(false)
        await provider.beforeBatch()
        #expect(await provider.reads == readsBefore + 1)
        #expect(try await provider.currentIndex().definitionCount == 1)
        // The read succeeded: the feed was asked to reconnect at once.
        #expect(listener.retries > 0)
    }

    @Test(
        "with LISTEN down and PostgreSQL hanging, the per-batch check gives up after its second",
        .timeLimit(.minutes(1)))
    func beforeBatchBounded() async throws {
        let definitions = HangingStore()
        let provider = StoreRoutingIndexProvider(
            definitions: definitions, eventTypes: InMemoryDocumentStore<EventTypeDefinition>(),
            listener: FakeChangeFeed())
        #expect(try await provider.currentIndex().definitionCount == 0)
        definitions.held.withLock { $0 = true }
        await provider.beforeBatch()
        // Returned while the read still hangs: routing goes on from the index in memory.
        #expect(definitions.held.withLock { $0 })
        #expect(try await provider.currentIndex().definitionCount == 0)
        definitions.held.withLock { $0 = false }
    }

    @Test("many events asking at the start build the index once")
    func firstUseBuildsOnce() async throws {
        let definitions = InMemoryDocumentStore<ActivityDefinition>()
        _ = try await definitions.apply(StoreChanges(upserts: [Self.eventDefinition("a")], retirements: []))
        let provider = StoreRoutingIndexProvider(
            definitions: definitions, eventTypes: InMemoryDocumentStore<EventTypeDefinition>())
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.currentIndex().definitionCount } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 1, count: 50))
        #expect(await provider.rebuilds == 1)
        #expect(await provider.reads == 1)
    }

    @Test("a refresh rebuilds only when a generation moved, and tells onRebuild")
    func refreshRebuildsOnChange() async throws {
        let definitions = InMemoryDocumentStore<ActivityDefinition>()
        let eventTypes = InMemoryDocumentStore<EventTypeDefinition>()
        let rebuilt = Mutex<[Int]>([])
        let provider = StoreRoutingIndexProvider(
            definitions: definitions, eventTypes: eventTypes,
            onRebuild: { index in rebuilt.withLock { $0.append(index.definitionCount) } })
        try await provider.refresh()
        try await provider.refresh()
        #expect(await provider.rebuilds == 1)
        _ = try await definitions.apply(StoreChanges(upserts: [Self.eventDefinition("a")], retirements: []))
        // Concurrent refreshes run one after the other; each reads the generations.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { try await provider.refresh() } }
            try await group.waitForAll()
        }
        #expect(await provider.rebuilds == 2)
        #expect(await provider.reads == 7)
        #expect(rebuilt.withLock { $0 } == [0, 1])
    }
}

/// A definitions store whose generation read hangs while `held` (PostgreSQL's pool waiting
/// for a connection).
final class HangingStore: DocumentStore {
    let inner = InMemoryDocumentStore<ActivityDefinition>()
    let held = Mutex(false)

    func contents() async throws -> StoredContents<ActivityDefinition> { try await self.inner.contents() }
    func record(id: String) async throws -> StoredRecord<ActivityDefinition>? { try await self.inner.record(id: id) }
    func apply(_ changes: StoreChanges<ActivityDefinition>) async throws -> StoreApplyResult {
        try await self.inner.apply(changes)
    }
    func generation() async throws -> Int64 {
        while self.held.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
        return try await self.inner.generation()
    }
}

/// A change feed the test switches by hand, counting the reconnect requests.
final class FakeChangeFeed: ChangeFeed {
    private let state = Mutex((listening: false, retries: 0))
    var isListening: Bool { self.state.withLock { $0.listening } }
    var retries: Int { self.state.withLock { $0.retries } }
    func setListening(_ listening: Bool) { self.state.withLock { $0.listening = listening } }
    func retryNow() { self.state.withLock { $0.retries += 1 } }
    func listen(onChange: @escaping @Sendable (String?) async -> Void) async {}
}
