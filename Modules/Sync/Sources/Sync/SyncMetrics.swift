import CoreMetrics
import Foundation
import Schedules

/// The sync metrics of the contract, made once with an injected factory (no global
/// bootstrap), so that every one is listed from the start, at zero.
struct SyncMetrics: Sendable {
    private let ok: Counter
    private let error: Counter
    private let busy: Counter
    private let duration: CoreMetrics.Timer
    private let lastSuccess: Gauge
    /// `activity_schedule_changes_total` by action.
    private let changes: [(action: String, counter: Counter)]
    /// `activity_schedule_drift_total` by field.
    private let drift: [String: Counter]

    init(factory: any MetricsFactory) {
        func runs(_ result: String) -> Counter {
            Counter(label: "activity_sync_runs_total", dimensions: [("result", result)], factory: factory)
        }
        self.ok = runs("ok")
        self.error = runs("error")
        self.busy = runs("busy")
        self.duration = CoreMetrics.Timer(label: "activity_sync_duration_seconds", factory: factory)
        self.lastSuccess = Gauge(label: "activity_sync_last_success_timestamp_seconds", factory: factory)
        self.lastSuccess.record(0)
        // Listed from the start, at zero, one per field a sync or refresh compares.
        self.drift = Dictionary(
            uniqueKeysWithValues: ScheduleOwnedFields.fieldOrder.map { field in
                (
                    field,
                    Counter(label: "activity_schedule_drift_total", dimensions: [("field", field)], factory: factory)
                )
            })
        self.changes = ["create", "update", "correct", "pause", "unpause", "delete"].map { action in
            (
                action,
                Counter(label: "activity_schedule_changes_total", dimensions: [("action", action)], factory: factory)
            )
        }
    }

    func record(_ outcome: SyncOutcome) {
        switch outcome {
        case .busy:
            self.busy.increment()
        case .ran(let report):
            (report.ok ? self.ok : self.error).increment()
            self.duration.recordMilliseconds(report.durationMilliseconds)
            if report.ok && !report.dryRun { self.lastSuccess.record(Date().timeIntervalSince1970) }
            guard !report.dryRun, let schedules = report.schedules else { return }
            let counts = [
                "create": schedules.created, "update": schedules.updated, "correct": schedules.corrected,
                "pause": schedules.paused, "unpause": schedules.unpaused, "delete": schedules.deletedOrphans,
            ]
            for (action, counter) in self.changes {
                if let count = counts[action], count > 0 { counter.increment(by: count) }
            }
            // `activity_schedule_drift_total{field}`: each drifted field of each schedule, seen
            // by a sync that wrote (corrected or reported).
            for fields in report.drift.values {
                for field in fields { self.drift[field]?.increment() }
            }
        }
    }
}
