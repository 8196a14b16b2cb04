import CoreMetrics
import Definitions
import Foundation
import Workflows

/// Records a run's final status (`succeeded`, `failed`, `skipped` or `cancelled`), counts it
/// once and publishes `org.activity.run.completed` (through `RunFinisher`).
public struct FinishRunActivity: TemporalActivity {
    public static let completedSubject = RunFinisher.completedSubject

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
        try await RunFinisher(runs: self.runs, publisher: self.publisher, metrics: self.metrics).finish(
            RunRecord(
                activityID: finish.activityID, trigger: finish.trigger ?? "", workflowID: finish.workflowID,
                runID: finish.runID, status: finish.status, error: finish.error))
        return Data("{}".utf8)
    }
}
