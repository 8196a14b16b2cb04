import CoreMetrics
import Foundation
import SwiftProtobuf

/// The worker's metrics under the names and labels of Temporal's own SDKs, so that their
/// dashboards read them: task latencies (seconds), slot gauges per `worker_type`, activity
/// failures and workflow ends. Request failures are the client's (`TemporalClient`).
public struct TemporalWorkerMetrics: Sendable {
    let workflowTaskScheduleToStart: CoreMetrics.Timer
    let workflowTaskExecution: CoreMetrics.Timer
    let activityScheduleToStart: CoreMetrics.Timer
    let activityExecution: CoreMetrics.Timer
    let activityExecutionFailed: Counter
    /// A local activity's attempts, from the first to its marker or its fall-back.
    let localActivityExecution: CoreMetrics.Timer
    /// Local activities that did not end within their budget and became normal activities.
    let localActivityFallBacks: Counter
    let workflowCompleted: Counter
    let workflowFailed: Counter
    let workflowCanceled: Counter
    private let factory: any MetricsFactory
    private let namespace: String

    init(factory: any MetricsFactory, namespace: String, taskQueue: String) {
        let labels = [("namespace", namespace), ("task_queue", taskQueue)]
        func timer(_ label: String) -> CoreMetrics.Timer {
            CoreMetrics.Timer(label: label, dimensions: labels, factory: factory)
        }
        func counter(_ label: String) -> Counter {
            Counter(label: label, dimensions: labels, factory: factory)
        }
        self.workflowTaskScheduleToStart = timer("temporal_workflow_task_schedule_to_start_latency")
        self.workflowTaskExecution = timer("temporal_workflow_task_execution_latency")
        self.activityScheduleToStart = timer("temporal_activity_schedule_to_start_latency")
        self.activityExecution = timer("temporal_activity_execution_latency")
        self.activityExecutionFailed = counter("temporal_activity_execution_failed")
        self.localActivityExecution = timer("temporal_local_activity_execution_latency")
        self.localActivityFallBacks = counter("temporal_local_activity_fallback")
        self.workflowCompleted = counter("temporal_workflow_completed")
        self.workflowFailed = counter("temporal_workflow_failed")
        self.workflowCanceled = counter("temporal_workflow_canceled")
        self.factory = factory
        self.namespace = namespace
    }

    /// The two gauges of one slot pool, set from the slots taken (by polls and tasks) and used
    /// (by tasks), as the SDKs count them: available = capacity - taken.
    func slots(workerType: String, taskQueue: String, capacity: Int) -> @Sendable (_ taken: Int, _ used: Int) -> Void {
        let labels = [("namespace", self.namespace), ("task_queue", taskQueue), ("worker_type", workerType)]
        let available = Gauge(label: "temporal_worker_task_slots_available", dimensions: labels, factory: self.factory)
        let used = Gauge(label: "temporal_worker_task_slots_used", dimensions: labels, factory: self.factory)
        return { taken, count in
            used.record(count)
            available.record(capacity - taken)
        }
    }

    /// Counts how a workflow task's commands end the workflow, if they do.
    func recordEnd(of commands: [Temporal_Api_Command_V1_Command]) {
        for command in commands {
            switch command.commandType {
            case .completeWorkflowExecution: self.workflowCompleted.increment()
            case .failWorkflowExecution: self.workflowFailed.increment()
            case .cancelWorkflowExecution: self.workflowCanceled.increment()
            default: continue
            }
        }
    }

    /// Histogram buckets for the latencies, in seconds: those of Temporal's Rust core, so that
    /// percentiles read the same on both.
    public static let buckets: [String: [Duration]] = [
        "temporal_workflow_task_schedule_to_start_latency": seconds([0.1, 0.5, 1, 5, 10, 100, 1000]),
        "temporal_activity_schedule_to_start_latency": seconds([0.1, 0.5, 1, 5, 10, 100, 1000]),
        "temporal_workflow_task_execution_latency": seconds([0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]),
        "temporal_activity_execution_latency": seconds([0.05, 0.1, 0.5, 1, 5, 10, 60]),
        "temporal_local_activity_execution_latency": seconds([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]),
    ]

    private static func seconds(_ values: [Double]) -> [Duration] {
        values.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
    }

    /// Time from `scheduled` (set by the server) to `started`, zero when either is missing or
    /// the clocks disagree.
    static func latency(from scheduled: Google_Protobuf_Timestamp?, to started: Google_Protobuf_Timestamp?)
        -> Duration
    {
        guard let scheduled, let started else { return .zero }
        let seconds = started.timeIntervalSince1970 - scheduled.timeIntervalSince1970
        return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : .zero
    }
}

extension CoreMetrics.Timer {
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
