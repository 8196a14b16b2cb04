import AdminAPI
import Prometheus

/// `/metrics`: the registry every metric of this process is made in, as Prometheus text.
/// A scrape also refreshes `activity_schedule_missed_fires` (describes of the cron
/// schedules) in the background when the last refresh is older than a minute.
public struct PrometheusExporter: MetricsExporter {
    public let registry: PrometheusCollectorRegistry
    let missedFires: MissedFiresRefresher?

    public init(registry: PrometheusCollectorRegistry, catalog: (any DefinitionCatalog)? = nil) {
        self.registry = registry
        self.missedFires = catalog.map { MissedFiresRefresher(catalog: $0) }
    }

    public func render() async -> String {
        await self.missedFires?.refreshIfStale()
        var buffer: [UInt8] = []
        self.registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Runs the catalog (which sets the missed-fires gauge) at most once a minute, never while
/// a scrape waits.
actor MissedFiresRefresher {
    let catalog: any DefinitionCatalog
    private var last: ContinuousClock.Instant?
    private var running = false

    init(catalog: any DefinitionCatalog) {
        self.catalog = catalog
    }

    func refreshIfStale() {
        if self.running { return }
        if let last = self.last, ContinuousClock.now - last < .seconds(60) { return }
        self.running = true
        Task {
            _ = try? await self.catalog.definitions()
            self.finished()
        }
    }

    private func finished() {
        self.running = false
        self.last = .now
    }
}
