import CoreMetrics

/// The contract's metrics exist from the start (at zero), so that a scrape lists every name
/// before the first sync, event or run.
enum ContractMetrics {
    static func register(_ factory: any MetricsFactory) {
        for result in ["ok", "error", "busy"] {
            _ = Counter(label: "activity_sync_runs_total", dimensions: [("result", result)], factory: factory)
        }
        for action in ["create", "update", "pause", "unpause", "delete"] {
            _ = Counter(label: "activity_schedule_changes_total", dimensions: [("action", action)], factory: factory)
        }
        for result in ["succeeded", "failed", "skipped"] {
            _ = Counter(label: "activity_runs_total", dimensions: [("result", result)], factory: factory)
        }
        for name in [
            "activity_events_received_total", "activity_events_routed_total", "activity_events_rejected_total",
            "activity_events_unmatched_total", "activity_events_failed_total",
        ] {
            _ = Counter(label: name, factory: factory)
        }
        _ = Timer(label: "activity_sync_duration_seconds", factory: factory)
        Gauge(label: "activity_sync_last_success_timestamp_seconds", factory: factory).record(0)
        Gauge(label: "activity_schedule_missed_fires", factory: factory).record(0)
    }
}
