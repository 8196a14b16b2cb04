import AsyncHTTPClient
import CoreMetrics
import Definitions
import HTTPActions
import Logging
import NATS
import Postgres
import Runs
import Temporal
import Workflows

/// Builds the Temporal worker that runs `RunActivityWorkflow` and its activities from the
/// real stores and executors: one place for the worker command and the tests.
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
        let runs = PostgresRunStore(database: database)
        return TemporalWorker(
            client: client,
            configuration: TemporalWorkerConfiguration(
                taskQueue: taskQueue,
                workflowPollers: workflowPollers,
                activityPollers: activityPollers
            ),
            workflows: [RunActivityWorkflow(taskQueue: taskQueue)],
            activities: [
                PrepareRunActivity(
                    definitions: PostgresDocumentStore<ActivityDefinition>(database: database),
                    runs: runs,
                    defaultActionURL: defaultActionURL
                ),
                ExecuteActionActivity(
                    actions: ActionRunner(
                        http: HTTPActionExecutor(client: http),
                        natsPublish: NATSPublishActionExecutor(publisher: publisher),
                        echo: EchoActionExecutor(logger: logger)
                    ),
                    runs: runs
                ),
                FinishRunActivity(runs: runs, publisher: publisher, metrics: metrics),
            ],
            logger: logger
        )
    }
}
