import Definitions
import EventTypes
import Foundation

/// Keeps the routing index in memory and rebuilds it only when the definitions or event
/// types generation changed, checked at most every `checkInterval`: no database read per
/// message in steady state. (A LISTEN on the generation channel will make it immediate.)
public actor StoreRoutingIndexProvider: RoutingIndexProvider {
    let definitions: any DocumentStore<ActivityDefinition>
    let eventTypes: any DocumentStore<EventTypeDefinition>
    public let checkInterval: Duration
    private var index: RoutingIndex?
    private var generations: (Int64, Int64) = (-1, -1)
    private var checkedAt: ContinuousClock.Instant?
    /// Called with the new index after each rebuild (stream subjects follow event types).
    private let onRebuild: @Sendable (RoutingIndex) async -> Void
    /// How many times the stores were read (tests and benchmarks).
    public private(set) var reads = 0

    public init(
        definitions: any DocumentStore<ActivityDefinition>,
        eventTypes: any DocumentStore<EventTypeDefinition>,
        checkInterval: Duration = .seconds(2),
        onRebuild: @escaping @Sendable (RoutingIndex) async -> Void = { _ in }
    ) {
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.checkInterval = checkInterval
        self.onRebuild = onRebuild
    }

    public func currentIndex() async throws -> RoutingIndex {
        let now = ContinuousClock.now
        if let index = self.index, let checkedAt = self.checkedAt, now - checkedAt < self.checkInterval {
            return index
        }
        self.reads += 1
        let current = (try await self.definitions.generation(), try await self.eventTypes.generation())
        self.checkedAt = now
        if let index = self.index, current == self.generations { return index }
        let index = RoutingIndex(
            definitions: try await self.definitions.records(), eventTypes: try await self.eventTypes.records())
        self.index = index
        self.generations = current
        await self.onRebuild(index)
        return index
    }
}
