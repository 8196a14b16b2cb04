import AsyncHTTPClient
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
        http: HTTPClient,
        publisher: any EventPublisher,
        logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        workflowPollers: Int = 2,
        activityPollers: Int = 8
    ) -> TemporalWorker {
        let set = RunWorkflowSet(
            taskQueue: taskQueue,
            definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
            runs: PostgresRunStore(database: database),
            actions: ActionRunner(
                http: HTTPActionExecutor(client: http),
                natsPublish: NATSPublishActionExecutor(publisher: publisher),
                echo: EchoActionExecutor(logger: logger)),
            publisher: publisher, defaultActionURL: defaultActionURL, metrics: metrics)
        return TemporalWorker(
            client: client,
            configuration: TemporalWorkerConfiguration(
                taskQueue: taskQueue, workflowPollers: workflowPollers, activityPollers: activityPollers),
            workflows: set.workflows, activities: set.activities, logger: logger)
    }
}
