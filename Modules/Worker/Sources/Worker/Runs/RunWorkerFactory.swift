import CoreMetrics
import Definitions
import HTTPActions
import Logging
import NATS
import Postgres
import Runs
import Temporal

/// The Temporal worker that runs `RunActivityWorkflow` and its activities over PostgreSQL,
/// the http action and NATS: for the tests and benchmarks that run workflows without the
/// whole worker.
public enum RunWorkerFactory {
    public static func make(
        client: TemporalClient,
        database: ActivityDatabase,
        taskQueue: String,
        defaultActionURL: String?,
        http: HTTPActionExecutor,
        publisher: any EventPublisher,
        logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        maxConcurrentActions: Int = 100,
        maxConcurrentWorkflowTasks: Int = 50,
        localActivityBudget: Duration = .seconds(5),
        eagerStarts: EagerWorkflowStarts? = nil,
        shape: RuntimeShape = .current
    ) -> TemporalWorker {
        let set = RunWorkflowSet(
            taskQueue: taskQueue,
            definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
            runs: PostgresRunStore(database: database),
            actions: ActionRunner(
                http: http,
                natsPublish: NATSPublishActionExecutor(publisher: publisher),
                echo: EchoActionExecutor(logger: logger)),
            publisher: publisher, defaultActionURL: defaultActionURL, metrics: metrics,
            localBookkeeping: shape == .current)
        return TemporalWorker(
            client: client,
            configuration: TemporalWorkerConfiguration(
                taskQueue: taskQueue, maxConcurrentWorkflowTasks: maxConcurrentWorkflowTasks,
                maxConcurrentActivities: maxConcurrentActions,
                activityQueues: [
                    .init(name: RunContract.bookkeepingTaskQueue(taskQueue), slots: maxConcurrentWorkflowTasks)
                ], localActivityBudget: localActivityBudget, eagerActivities: shape == .current),
            workflows: set.workflows, activities: set.activities, metrics: metrics,
            eagerStarts: shape == .current ? eagerStarts : nil, logger: logger)
    }

    /// How a run uses the server: as now (local bookkeeping, eager start and activity), or as
    /// 1.0.0 did (three activity tasks, every task through a poll), for the benchmarks.
    public enum RuntimeShape: String, Sendable {
        case current
        case firstRelease = "1.0"
    }
}
