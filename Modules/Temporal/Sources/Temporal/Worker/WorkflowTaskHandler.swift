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
            let deadline = started.advanced(by: self.localActivityBudget(events))
            let answers = await WorkflowTaskDecision.answers(workflow: workflow, history: history) { invocation in
                await self.runLocal(invocation, history: history, deadline: deadline)
            }
            do {
                try await self.complete(task, answers: answers)
            } catch let error as TemporalError where error.code == .messageTooLarge {
                // Sending it again cannot help: the run fails, with the reason, and the
                // worker goes on.
                self.worker.logger.error(
                    "workflow task answer too large; failing the workflow",
                    metadata: ["temporal.workflow_id": "\(task.workflowExecution.workflowID)", "error": "\(error)"])
                try await self.complete(
                    task,
                    answers: [
                        .command(
                            .failWorkflow(
                                message: "the workflow's next step is too large for Temporal: \(error.message)",
                                type: "PayloadTooLarge"))
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

    /// Answers the task. An activity on the worker's own queue asks for eager execution when an
    /// activity slot is free (taken here): the server then hands its task back in the answer,
    /// and the worker runs it without a poll.
    private func complete(
        _ task: Temporal_Api_Workflowservice_V1_PollWorkflowTaskQueueResponse, answers: [WorkflowTaskAnswer]
    ) async throws {
        var request = Temporal_Api_Workflowservice_V1_RespondWorkflowTaskCompletedRequest()
        request.taskToken = task.taskToken
        var eager = 0
        request.commands = answers.map { answer in
            switch answer {
            case .marker(let marker):
                return marker.command
            case .command(let command):
                var proto = command.proto
                if case .scheduleActivity(let invocation) = command,
                    invocation.taskQueue == self.worker.configuration.taskQueue, self.worker.reserveEagerActivity()
                {
                    proto.scheduleActivityTaskCommandAttributes.requestEagerExecution = true
                    eager += 1
                }
                return proto
            }
        }
        request.identity = self.client.configuration.identity
        request.namespace = self.client.configuration.namespace
        let response: Temporal_Api_Workflowservice_V1_RespondWorkflowTaskCompletedResponse
        do {
            response = try await self.client.call("RespondWorkflowTaskCompleted", retry: .taskCompletion) {
                [request] service, metadata, options in
                try await service.respondWorkflowTaskCompleted(request, metadata: metadata, options: options)
            }
        } catch {
            self.worker.runEagerActivities([], reserved: eager)
            throw error
        }
        self.worker.runEagerActivities(response.activityTasks, reserved: eager)
        self.worker.metrics.recordEnd(of: request.commands)
    }

    /// How long the local activities of one task may take: the worker's budget, at most half
    /// the run's workflow task timeout (10 s unless the starter set another), so the answer
    /// reaches the server before it times the task out.
    private func localActivityBudget(_ events: [Temporal_Api_History_V1_HistoryEvent]) -> Duration {
        var timeout = Duration.seconds(10)
        if case .workflowExecutionStartedEventAttributes(let started)? = events.first?.attributes,
            started.hasWorkflowTaskTimeout, started.workflowTaskTimeout.duration > .zero
        {
            timeout = started.workflowTaskTimeout.duration
        }
        return min(self.worker.configuration.localActivityBudget, timeout / 2)
    }

    /// Runs a local activity for the task; one this worker does not have, or that cannot end in
    /// time, becomes a normal activity (logged).
    private func runLocal(_ invocation: ActivityInvocation, history: WorkflowHistory, deadline: ContinuousClock.Instant)
        async -> LocalActivityRunner.Ending
    {
        let ending: LocalActivityRunner.Ending
        if let activity = self.worker.activities[invocation.activityType] {
            let started = ContinuousClock.now
            ending = await LocalActivityRunner(cut: self.worker.cut).run(
                activity, invocation: invocation, workflowID: history.workflowID, runID: history.runID,
                deadline: deadline)
            self.worker.metrics.localActivityExecution.record(started.duration(to: .now))
        } else {
            ending = .fallBack(reason: "no activity \(invocation.activityType) is registered on this worker")
        }
        if case .fallBack(let reason) = ending {
            self.worker.metrics.localActivityFallBacks.increment()
            self.worker.logger.warning(
                "local activity scheduled as an activity",
                metadata: [
                    "temporal.workflow_id": "\(history.workflowID)", "temporal.activity": "\(invocation.activityType)",
                    "reason": "\(reason)",
                ])
        }
        return ending
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
