import CoreMetrics
import Definitions
import Workflows

/// `RunActivityWorkflow` and its three activities over the given stores, actions and
/// publisher: what a workflow runtime (the Temporal worker) runs for activity-core.
public struct RunWorkflowSet: Sendable {
    public let workflows: [any TemporalWorkflow]
    public let activities: [any TemporalActivity]

    public init(
        taskQueue: String,
        definitions: any DocumentStore<ActivityDefinition>,
        runs: any RunStore,
        actions: ActionRunner,
        publisher: any EventPublisher,
        defaultActionURL: String?,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        localBookkeeping: Bool = true
    ) {
        self.workflows = [RunActivityWorkflow(taskQueue: taskQueue, localBookkeeping: localBookkeeping)]
        self.activities = [
            PrepareRunActivity(definitions: definitions, runs: runs, defaultActionURL: defaultActionURL),
            ExecuteActionActivity(actions: actions, runs: runs),
            FinishRunActivity(runs: runs, publisher: publisher, metrics: metrics),
        ]
    }
}
