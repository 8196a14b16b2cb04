import CoreMetrics
import Definitions
import Foundation

/// Ends a run: records its final status, counts it once in `activity_runs_total{result}` and
/// publishes `org.activity.run.completed`. `FinishRun` and the run reconciler both end runs
/// here.
public struct RunFinisher: Sendable {
    public static let completedSubject = "org.activity.run.completed"

    public let runs: any RunStore
    public let publisher: any EventPublisher
    let metrics: any MetricsFactory

    public init(
        runs: any RunStore, publisher: any EventPublisher, metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.runs = runs
        self.publisher = publisher
        self.metrics = metrics
    }

    /// Records and announces the end of `run` (its final `status` and `error`). Safe to
    /// repeat: only the call that ends a `running` run counts it, and the envelope's message
    /// ID lets a repeated announcement be deduplicated downstream.
    public func finish(_ run: RunRecord) async throws {
        if try await self.runs.finish(run) {
            Counter(label: "activity_runs_total", dimensions: [("result", run.status.rawValue)], factory: self.metrics)
                .increment()
        }
        try await self.publisher.publish(
            subject: Self.completedSubject,
            payload: Self.envelope(run).canonicalJSON(),
            messageID: "\(run.workflowID):\(run.runID):completed"
        )
    }

    static func envelope(_ run: RunRecord) -> JSONValue {
        .object([
            "id": .string("\(run.workflowID):\(run.runID):completed"),
            "type": .string(Self.completedSubject),
            "version": .string("1.0"),
            "timestamp": .string(Date().formatted(.iso8601)),
            "publisher": .string("activity-core"),
            "attributes": .object([
                "activity_id": .string(run.activityID),
                "workflow_id": .string(run.workflowID),
                "status": .string(run.status.rawValue),
            ]),
        ])
    }
}
