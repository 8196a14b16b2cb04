import AdminAPI
import Prometheus

/// `/metrics`: the registry every metric of this process is made in, as Prometheus text.
/// A scrape also asks `missedFires` to refresh `activity_schedule_missed_fires` (describes of
/// the cron schedules); that runs in its own service, so a scrape neither waits for it nor
/// starts a task.
public struct PrometheusExporter: MetricsExporter {
    public let registry: PrometheusCollectorRegistry
    let missedFires: MissedFiresRefresher?

    public init(registry: PrometheusCollectorRegistry, missedFires: MissedFiresRefresher? = nil) {
        self.registry = registry
        self.missedFires = missedFires
    }

    public func render() async -> String {
        self.missedFires?.requestRefresh()
        var buffer: [UInt8] = []
        self.registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
