import AdminAPI
import ServiceLifecycle

/// Runs the catalog (which sets the missed-fires gauge) when a scrape asks, at most once per
/// `minimumInterval`, one run at a time; asks while one runs fold into one.
public struct MissedFiresRefresher: Service, CustomStringConvertible {
    let catalog: any DefinitionCatalog
    let minimumInterval: Duration
    private let requests: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init(catalog: any DefinitionCatalog, minimumInterval: Duration = .seconds(60)) {
        self.catalog = catalog
        self.minimumInterval = minimumInterval
        (self.requests, self.continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Never waits: the refresh happens in `run()`.
    public func requestRefresh() {
        self.continuation.yield()
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var last: ContinuousClock.Instant?
            for await _ in self.requests {
                if let last, ContinuousClock.now - last < self.minimumInterval { continue }
                _ = try? await self.catalog.definitions()
                last = .now
            }
        }
    }

    public var description: String { "MissedFiresRefresher" }
}
