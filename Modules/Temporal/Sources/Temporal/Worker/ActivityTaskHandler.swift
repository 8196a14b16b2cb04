import Foundation
import Logging
import SwiftProtobuf
import Workflows

/// Polls activity tasks, runs the registered activity with heartbeats, and answers.
struct ActivityTaskHandler: TaskHandler {
    let worker: TemporalWorker
    /// The task queue it polls.
    let queue: String

    var client: TemporalClient { self.worker.client }

    func poll() async -> Result<Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse?, TemporalError> {
        var request = Temporal_Api_Workflowservice_V1_PollActivityTaskQueueRequest()
        request.namespace = self.client.configuration.namespace
        request.taskQueue = self.worker.pollQueue(self.queue)
        request.identity = self.client.configuration.identity
        request.workerInstanceKey = self.worker.instanceKey
        return await self.worker.longPoll(
            "PollActivityTaskQueue",
            taskToken: { $0.taskToken },
            body: { [request] service, metadata, options in
                try await service.pollActivityTaskQueue(request, metadata: metadata, options: options)
            }
        )
    }

    /// Temporal's default blob size limit (`limit.blobSize.error`, 2 MiB).
    static let maxResultBytes = 2 * 1024 * 1024

    func handle(_ task: Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse) async {
        let type = task.activityType.name
        let metrics = self.worker.metrics
        metrics.activityScheduleToStart.record(
            TemporalWorkerMetrics.latency(
                from: task.hasCurrentAttemptScheduledTime ? task.currentAttemptScheduledTime : nil,
                to: task.hasStartedTime ? task.startedTime : nil))
        let context = ActivityContext(
            workflowID: task.workflowExecution.workflowID,
            runID: task.workflowExecution.runID,
            activityID: task.activityID,
            attempt: Int(task.attempt),
            maxAttempts: Int(task.retryPolicy.maximumAttempts)
        )
        var ending: AttemptEnding
        if let activity = self.worker.activities[type] {
            let started = ContinuousClock.now
            ending = await self.run(activity, task: task, context: context)
            metrics.activityExecution.record(started.duration(to: .now))
        } else {
            ending = .failed(
                ActivityError(
                    "no activity \(type) is registered on this worker", type: "UnknownActivity", nonRetryable: true))
        }
        // A result Temporal cannot take fails the attempt for good, with the reason (sent as
        // it is, the server would refuse it and the attempt would time out and run again).
        if case .completed(let result) = ending, result.count > Self.maxResultBytes {
            ending = .failed(
                ActivityError(
                    "\(type) result is \(result.count) bytes; Temporal takes at most \(Self.maxResultBytes)",
                    type: "PayloadTooLarge", nonRetryable: true))
        }
        if case .failed = ending { metrics.activityExecutionFailed.increment() }
        let metadata: Logger.Metadata = [
            "temporal.workflow_id": "\(context.workflowID)", "temporal.activity": "\(type)",
            "temporal.attempt": "\(context.attempt)",
        ]
        do {
            switch ending {
            case .completed(let result):
                var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskCompletedRequest()
                request.taskToken = task.taskToken
                request.result.payloads = [JSONPayload.raw(result)]
                request.identity = self.client.configuration.identity
                request.namespace = self.client.configuration.namespace
                _ = try await self.client.call("RespondActivityTaskCompleted", retry: .taskCompletion) {
                    [request] service, metadata, options in
                    try await service.respondActivityTaskCompleted(request, metadata: metadata, options: options)
                }
            case .failed(let error):
                var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskFailedRequest()
                request.taskToken = task.taskToken
                request.failure = .application(
                    message: error.message, type: error.type, nonRetryable: error.nonRetryable)
                request.identity = self.client.configuration.identity
                request.namespace = self.client.configuration.namespace
                _ = try await self.client.call("RespondActivityTaskFailed", retry: .taskCompletion) {
                    [request] service, metadata, options in
                    try await service.respondActivityTaskFailed(request, metadata: metadata, options: options)
                }
            case .cancelled:
                self.worker.logger.info("activity cancelled at the workflow's request", metadata: metadata)
                var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskCanceledRequest()
                request.taskToken = task.taskToken
                request.identity = self.client.configuration.identity
                request.namespace = self.client.configuration.namespace
                _ = try await self.client.call("RespondActivityTaskCanceled", retry: .taskCompletion) {
                    [request] service, metadata, options in
                    try await service.respondActivityTaskCanceled(request, metadata: metadata, options: options)
                }
            case .abandoned(let reason):
                // Temporal no longer waits for this attempt: an answer would be refused.
                self.worker.logger.warning(
                    "activity attempt stopped", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            }
        } catch {
            // The server times the attempt out and retries it per the activity's policy.
            self.worker.logger.error(
                "cannot answer activity task", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// How an attempt ended, and so what the worker answers.
    enum AttemptEnding {
        case completed(Data)
        case failed(ActivityError)
        /// The workflow asked to cancel it and the activity stopped: answered as cancelled.
        case cancelled
        /// Temporal no longer waits for it (timed out by the server, the workflow terminated or
        /// reset): nothing is answered.
        case abandoned(String)
    }

    typealias Stop = ActivityAttempt.Stop

    /// Runs the activity beside its heartbeats and its lease (`ActivityAttempt`).
    private func run(
        _ activity: any TemporalActivity,
        task: Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse,
        context: ActivityContext
    ) async -> AttemptEnding {
        let input = task.input.payloads.first?.data ?? Data("null".utf8)
        let interval = Self.heartbeatInterval(
            configured: self.worker.configuration.heartbeatInterval,
            heartbeatTimeout: task.hasHeartbeatTimeout ? task.heartbeatTimeout.duration : nil)
        let lease =
            task.hasStartToCloseTimeout && task.startToCloseTimeout.duration > .zero
            ? task.startToCloseTimeout.duration : nil
        let token = task.taskToken
        let (result, stopped) = await ActivityAttempt.run(
            activity: { await ActivityAttempt.outcome(of: activity, input: input, context: context) },
            heartbeat: { await self.heartbeat(token) },
            interval: interval, lease: lease, grace: interval, cut: self.worker.cut)
        return Self.ending(result, stopped: stopped)
    }

    /// What the worker answers for an activity's result (nil: left behind after a stop), given
    /// what stopped it.
    static func ending(_ result: Result<Data, ActivityError>?, stopped: Stop?) -> AttemptEnding {
        switch (stopped, result) {
        case (nil, .success(let data)?): .completed(data)
        case (nil, .failure(let error)?): .failed(error)
        case (nil, nil): .abandoned("the worker stopped waiting for the activity")
        // Work that was done before the request arrived counts.
        case (.cancelRequested, .success(let data)?): .completed(data)
        case (.cancelRequested, _): .cancelled
        case (.gone(let reason), _): .abandoned(reason)
        // Temporal has timed the attempt out by now (its clock started first): an answer would
        // be refused, as the official SDKs know.
        case (.deadline(let lease), _):
            .abandoned("the attempt ran past its start-to-close timeout of \(lease.components.seconds) s")
        // Failed now rather than left to time out, so the retry starts at once elsewhere.
        case (.workerShutdown, _):
            .failed(
                ActivityError(
                    "the worker shut down before the activity ended (its shutdown grace ran out); a retry runs it again",
                    type: "WorkerShutdown", nonRetryable: false))
        }
    }

    /// How often an attempt heartbeats: the configured interval, or 0.8 of the activity's
    /// heartbeat timeout when that is shorter (so a heartbeat is never late).
    static func heartbeatInterval(configured: Duration, heartbeatTimeout: Duration?) -> Duration {
        guard let heartbeatTimeout, heartbeatTimeout > .zero else { return configured }
        return min(configured, heartbeatTimeout * 0.8)
    }

    /// Records a heartbeat; what it learned that stops the attempt, if anything. A failure to
    /// reach Temporal is not a reason to stop (the next heartbeat tries again).
    private func heartbeat(_ token: Data) async -> Stop? {
        var request = Temporal_Api_Workflowservice_V1_RecordActivityTaskHeartbeatRequest()
        request.taskToken = token
        request.identity = self.client.configuration.identity
        request.namespace = self.client.configuration.namespace
        do {
            let response = try await self.client.call("RecordActivityTaskHeartbeat") {
                [request] service, metadata, options in
                try await service.recordActivityTaskHeartbeat(request, metadata: metadata, options: options)
            }
            if response.cancelRequested { return .cancelRequested }
            if response.activityPaused { return .gone("the activity was paused in Temporal") }
            if response.activityReset { return .gone("the activity was reset in Temporal") }
            return nil
        } catch  where error.code == .notFound {
            return .gone("Temporal no longer knows the attempt (timed out, or its workflow ended): \(error.message)")
        } catch {
            return nil
        }
    }
}

extension Google_Protobuf_Duration {
    /// As a Swift duration.
    var duration: Duration {
        .seconds(self.seconds) + .nanoseconds(Int64(self.nanos))
    }
}
