import CoreMetrics

/// The router's `activity_events_*` counters, made once: counting an event is an increment,
/// not a registry lookup.
struct EventRouterMetrics: Sendable {
    let received, routed, unmatched, rejected, failed, deadLettered, started, deduplicated: Counter

    init(factory: any MetricsFactory) {
        func counter(_ label: String) -> Counter { Counter(label: label, factory: factory) }
        self.received = counter("activity_events_received_total")
        self.routed = counter("activity_events_routed_total")
        self.unmatched = counter("activity_events_unmatched_total")
        self.rejected = counter("activity_events_rejected_total")
        self.failed = counter("activity_events_failed_total")
        self.deadLettered = counter("activity_events_dead_lettered_total")
        self.started = counter("activity_workflows_started_total")
        self.deduplicated = counter("activity_events_deduplicated_total")
    }

    /// Received, then one of routed, unmatched, rejected, failed (and dead-lettered).
    func count(_ outcome: EventRouter.Outcome) {
        self.received.increment()
        switch outcome {
        case .routed(let started, let deduplicated):
            self.routed.increment()
            self.started.increment(by: started)
            self.deduplicated.increment(by: deduplicated)
        case .unmatched: self.unmatched.increment()
        case .rejected: self.rejected.increment()
        case .failed: self.failed.increment()
        case .deadLettered:
            // A failed delivery too, the last one.
            self.failed.increment()
            self.deadLettered.increment()
        }
    }
}
