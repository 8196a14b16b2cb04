import Coordination
import Definitions
import Foundation
import Synchronization

/// Keeps the routing index in memory: routing reads no store. `refresh()` compares the
/// definitions and event-types generations and rebuilds the index only when one changed; the
/// `RoutingIndexRefresher` calls it on each PostgreSQL notification and on a fallback timer.
public actor StoreRoutingIndexProvider: RoutingIndexProvider {
    let definitions: any DocumentStore<ActivityDefinition>
    let eventTypes: any DocumentStore<EventTypeDefinition>
    /// The index, readable without waiting for the actor: every event reads it.
    private nonisolated let cached = Mutex<RoutingIndex?>(nil)
    private var generations: (Int64, Int64) = (-1, -1)
    /// The refresh running now; refreshes run one at a time.
    private let refreshes = SingleFlight<RoutingIndex>()
    /// Called with the new index after each rebuild (stream subjects follow event types).
    private let onRebuild: @Sendable (RoutingIndex) async -> Void
    /// The LISTEN connection that tells of changes: while it is down, the generations are
    /// checked before each batch, and a successful read asks it to reconnect at once.
    private let listener: (any ChangeFeed)?
    /// How many times the stores were read (tests and benchmarks).
    public private(set) var reads = 0
    /// How many times the index was built.
    public private(set) var rebuilds = 0

    public init(
        definitions: any DocumentStore<ActivityDefinition>,
        eventTypes: any DocumentStore<EventTypeDefinition>,
        listener: (any ChangeFeed)? = nil,
        onRebuild: @escaping @Sendable (RoutingIndex) async -> Void = { _ in }
    ) {
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.listener = listener
        self.onRebuild = onRebuild
    }

    /// Once per batch, while notifications are down: one generations read (and a rebuild
    /// when they moved).
    /// At most 1 s: with PostgreSQL away the pool may wait much longer for a connection, and
    /// routing goes on from the index in memory meanwhile.
    public nonisolated func beforeBatch() async {
        guard let listener = self.listener, !listener.isListening else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await self.refresh() }
            group.addTask { try? await Task.sleep(for: .seconds(1)) }
            await group.next()
            group.cancelAll()
        }
    }

    /// The index in memory; built on first use (once, however many events ask at the start).
    public nonisolated func currentIndex() async throws -> RoutingIndex {
        if let index = self.cached.withLock({ $0 }) { return index }
        return try await self.refreshes.join { try await self.load() }
    }

    /// Reads both generations and rebuilds the index when either changed. One refresh at a
    /// time; one asked for while another runs reads the generations after it.
    @discardableResult
    public nonisolated func refresh() async throws -> RoutingIndex {
        try await self.refreshes.exclusive { try await self.load() }
    }

    private func load() async throws -> RoutingIndex {
        self.reads += 1
        let current = (try await self.definitions.generation(), try await self.eventTypes.generation())
        // PostgreSQL answers: a LISTEN connection waiting out its backoff may try again now.
        self.listener?.retryNow()
        if let index = self.cached.withLock({ $0 }), current == self.generations { return index }
        let index = RoutingIndex(
            definitions: try await self.definitions.records(), eventTypes: try await self.eventTypes.records())
        self.cached.withLock { $0 = index }
        self.generations = current
        self.rebuilds += 1
        await self.onRebuild(index)
        return index
    }
}
