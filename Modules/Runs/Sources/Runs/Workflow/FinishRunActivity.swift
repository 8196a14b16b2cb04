import CoreMetrics
import Definitions
import Foundation
import Workflows

/// Records a run's final status (`succeeded`, `failed` or `skipped`), counts it once and
/// publishes `org.activity.run.completed`.
public struct FinishRunActivity: TemporalActivity {
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

    public var name: String { RunActivityWorkflow.finish }

    public func run(input: Data, context: ActivityContext) async throws -> Data {
        let finish: FinishInput
        do {
            finish = try RunJSON.decode(FinishInput.self, from: input)
        } catch {
            throw ActivityError("FinishRun input is not valid: \(error)", type: "InvalidInput", nonRetryable: true)
        }
        let ended = try await self.runs.finish(
            RunRecord(
                activityID: finish.activityID, trigger: finish.trigger ?? "", workflowID: finish.workflowID,
                runID: finish.runID, status: finish.status, error: finish.error))
        // Once per run: a retry after a failed publish finds the run ended already.
        if ended {
            Counter(
                label: "activity_runs_total", dimensions: [("result", finish.status.rawValue)], factory: self.metrics
            ).increment()
        }
        let envelope = Self.envelope(finish)
        // The envelope's id makes a redelivered completion deduplicable downstream.
        try await self.publisher.publish(
            subject: Self.completedSubject,
            payload: envelope.canonicalJSON(),
            messageID: "\(finish.workflowID):\(finish.runID):completed"
        )
        return Data("{}".utf8)
    }

    static func envelope(_ finish: FinishInput) -> JSONValue {
        .object([
            "id": .string("\(finish.workflowID):\(finish.runID):completed"),
            "type": .string(Self.completedSubject),
            "version": .string("1.0"),
            "timestamp": .string(Date().formatted(.iso8601)),
            "publisher": .string("activity-core"),
            "attributes": .object([
                "activity_id": .string(finish.activityID),
                "workflow_id": .string(finish.workflowID),
                "status": .string(finish.status.rawValue),
            ]),
        ])
    }
}
