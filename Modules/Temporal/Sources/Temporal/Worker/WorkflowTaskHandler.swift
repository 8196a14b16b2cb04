import Foundation
import Workflows

/// Polls workflow tasks, rebuilds the full history, asks the workflow for commands and
/// answers the task.
struct WorkflowTaskHandler: TaskHandler {
    let worker: TemporalWorker
    /// The task queue it polls.
    let queue: String

    var client: TemporalClient { self.worker.client }

    func poll() async -> Result<Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse?, TemporalError> {
        var request = Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueRequest()
        request.namespace = self.client.configuration.namespace
        request.taskQueue = self.worker.pollQueue(self.queue)
        request.identity = self.client.configuration.identity
        request.workerInstanceKey = self.worker.instanceKey
        return await self.worker.longPoll(
            "PollWorkflowTaskQueue",
            taskToken: { $0.taskToken },
            body: { [request] service, metadata, options in
                try await service.pollWorkflowTaskQueue(request, metadata: metadata, options: options)
            }
        )
    }

    func handle(_ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse) async {
        // Legacy query tasks (from a UI stack-trace query) are not workflow progress; they
        // time out for the querier rather than being answered as a workflow task.
        if task.hasQuery { return }
        let metrics = self.worker.metrics
        metrics.workflowTaskScheduleToStart.record(
            TemporalWorkerMetrics.latency(
                from: task.hasScheduledTime ? task.scheduledTime : nil, to: task.hasStartedTime ? task.startedTime : nil
            ))
        let started = ContinuousClock.now
        defer { metrics.workflowTaskExecution.record(started.duration(to: .now)) }
        let type = task.workflowType.name
        do {
            guard let workflow = self.worker.workflows[type] else {
                try await self.fail(task, message: "no workflow \(type) is registered on this worker")
                return
            }
            let events = try await self.fullHistory(task)
            let history = WorkflowHistory(execution: task.workflowExecution, workflowType: type, events: events)
            let commands = workflow.decide(history)
            do {
                try await self.complete(task, commands: commands)
            } catch let error as TemporalError where error.code == .messageTooLarge {
                // Sending it again cannot help: the run fails, with the reason, and the
                // worker goes on.
                self.worker.logger.error(
                    "workflow task answer too large; failing the workflow",
                    metadata: ["temporal.workflow_id": "\(task.workflowExecution.workflowID)", "error": "\(error)"])
                try await self.complete(
                    task,
                    commands: [
                        .failWorkflow(
                            message: "the workflow's next step is too large for Temporal: \(error.message)",
                            type: "PayloadTooLarge")
                    ])
            }
        } catch {
            self.worker.logger.error(
                "workflow task failed",
                metadata: ["temporal.workflow_id": "\(task.workflowExecution.workflowID)", "error": "\(error)"]
            )
            try? await self.fail(task, message: "\(error)")
        }
    }

    private func complete(
        _ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse, commands: [WorkflowCommand]
    ) async throws {
        var request = Temporal_Api_Workflowservice_V1_RespondWorkflowTaskCompletedRequest()
        request.taskToken = task.taskToken
        request.commands = commands.map(\.proto)
        request.identity = self.client.configuration.identity
        request.namespace = self.client.configuration.namespace
        _ = try await self.client.call("RespondWorkflowTaskCompleted", retry: .taskCompletion) {
            [request] service, metadata, options in
            try await service.respondWorkflowTaskCompleted(request, metadata: metadata, options: options)
        }
        self.worker.metrics.recordEnd(of: request.commands)
    }

    /// The task's history plus the pages the poll did not carry.
    private func fullHistory(_ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse) async throws
        -> [Temporal_Api_History_V1_HistoryEvent]
    {
        var events = task.history.events
        var token = task.nextPageToken
        while !token.isEmpty {
            var request = Temporal_Api_Workflowservice_V1_GetWorkflowExecutionHistoryRequest()
            request.namespace = self.client.configuration.namespace
            request.execution = task.workflowExecution
            request.nextPageToken = token
            let page = try await self.client.call("GetWorkflowExecutionHistory") {
                [request] service, metadata, options in
                try await service.getWorkflowExecutionHistory(request, metadata: metadata, options: options)
            }
            events += page.history.events
            token = page.nextPageToken
        }
        return events
    }

    private func fail(_ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse, message: String)
        async throws
    {
        var request = Temporal_Api_Workflowservice_V1_RespondWorkflowTaskFailedRequest()
        request.taskToken = task.taskToken
        request.cause = .workflowWorkerUnhandledFailure
        request.failure = .application(message: message, type: "WorkflowTaskFailure", nonRetryable: false)
        request.identity = self.client.configuration.identity
        request.namespace = self.client.configuration.namespace
        _ = try await self.client.call("RespondWorkflowTaskFailed", retry: .taskCompletion) {
            [request] service, metadata, options in
            try await service.respondWorkflowTaskFailed(request, metadata: metadata, options: options)
        }
    }
}
