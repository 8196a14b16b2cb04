import CoreMetrics
import Foundation

/// The sync metrics of the contract, made with an injected factory (no global bootstrap).
struct SyncMetrics: Sendable {
    let factory: any MetricsFactory

    func record(_ outcome: SyncOutcome, duration: Duration?) {
        switch outcome {
        case .busy:
            Counter(label: "activity_sync_runs_total", dimensions: [("result", "busy")], factory: self.factory)
                .increment()
        case .ran(let report):
            Counter(
                label: "activity_sync_runs_total", dimensions: [("result", report.ok ? "ok" : "error")],
                factory: self.factory
            ).increment()
            if let duration {
                Timer(label: "activity_sync_duration_seconds", factory: self.factory).recordNanoseconds(
                    duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
            }
            if report.ok {
                Gauge(label: "activity_sync_last_success_timestamp_seconds", factory: self.factory).record(
                    Date().timeIntervalSince1970)
            }
            guard !report.dryRun, let schedules = report.schedules else { return }
            for (action, count) in [
                ("create", schedules.created), ("update", schedules.updated), ("pause", schedules.paused),
                ("unpause", schedules.unpaused), ("delete", schedules.deletedOrphans),
            ] where count > 0 {
                Counter(
                    label: "activity_schedule_changes_total", dimensions: [("action", action)], factory: self.factory
                ).increment(by: count)
            }
        }
    }
}
