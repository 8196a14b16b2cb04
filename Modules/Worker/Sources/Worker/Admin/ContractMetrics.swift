import CoreMetrics

/// The contract's metrics exist from the start (at zero), so that a scrape lists every name
/// before the first sync, event or run. The sync's are made by `SyncService` and the events'
/// by `EventRouter`, which the worker builds at start; these are the rest.
enum ContractMetrics {
    static func register(_ factory: any MetricsFactory) {
        for result in ["succeeded", "failed", "skipped", "cancelled", "terminated", "timed_out"] {
            _ = Counter(label: "activity_runs_total", dimensions: [("result", result)], factory: factory)
        }
        Gauge(label: "activity_schedule_missed_fires", factory: factory).record(0)
        for reason in ["missing", "wrong", "read_only"] {
            _ = Counter(label: "activity_admin_auth_failures_total", dimensions: [("reason", reason)], factory: factory)
        }
    }
}
