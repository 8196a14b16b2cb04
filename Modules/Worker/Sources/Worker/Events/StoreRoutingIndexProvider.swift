import Definitions
import EventTypes
import Foundation

/// Keeps the routing index in memory: routing reads no store. `refresh()` compares the
/// definitions and event-types generations and rebuilds the index only when one changed; the
/// `RoutingIndexRefresher` calls it on each PostgreSQL notification and on a fallback timer.
public actor StoreRoutingIndexProvider: RoutingIndexProvider {
    let definitions: any DocumentStore<ActivityDefinition>
    let eventTypes: any DocumentStore<EventTypeDefinition>
    private var index: RoutingIndex?
    private var generations: (Int64, Int64) = (-1, -1)
    /// Called with the new index after each rebuild (stream subjects follow event types).
    private let onRebuild: @Sendable (RoutingIndex) async -> Void
    /// How many times the stores were read (tests and benchmarks).
    public private(set) var reads = 0
    /// How many times the index was built.
    public private(set) var rebuilds = 0

    public init(
        definitions: any DocumentStore<ActivityDefinition>,
        eventTypes: any DocumentStore<EventTypeDefinition>,
        onRebuild: @escaping @Sendable (RoutingIndex) async -> Void = { _ in }
    ) {
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.onRebuild = onRebuild
    }

    /// The index in memory; built on first use.
    public func currentIndex() async throws -> RoutingIndex {
        if let index = self.index { return index }
        return try await self.refresh()
    }

    /// Reads both generations and rebuilds the index when either changed.
    @discardableResult
    public func refresh() async throws -> RoutingIndex {
        self.reads += 1
        let current = (try await self.definitions.generation(), try await self.eventTypes.generation())
        if let index = self.index, current == self.generations { return index }
        let index = RoutingIndex(
            definitions: try await self.definitions.records(), eventTypes: try await self.eventTypes.records())
        self.index = index
        self.generations = current
        self.rebuilds += 1
        await self.onRebuild(index)
        return index
    }
}
