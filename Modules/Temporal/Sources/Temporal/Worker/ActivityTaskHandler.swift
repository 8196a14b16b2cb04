import Foundation
import Workflows

/// Polls activity tasks, runs the registered activity with heartbeats, and answers.
struct ActivityTaskHandler: TaskHandler {
    let worker: TemporalWorker

    var client: TemporalClient { self.worker.client }

    func poll() async -> Result<Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse?, TemporalError> {
        var request = Temporal_Api_Workflowservice_V1_PollActivityTaskQueueRequest()
        request.namespace = self.client.configuration.namespace
        request.taskQueue = self.worker.pollQueue
        request.identity = self.client.configuration.identity
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
        let context = ActivityContext(
            workflowID: task.workflowExecution.workflowID,
            runID: task.workflowExecution.runID,
            activityID: task.activityID,
            attempt: Int(task.attempt),
            maxAttempts: Int(task.retryPolicy.maximumAttempts)
        )
        var outcome: Result<Data, ActivityError>
        if let activity = self.worker.activities[type] {
            outcome = await self.run(activity, task: task, context: context)
        } else {
            outcome = .failure(
                ActivityError(
                    "no activity \(type) is registered on this worker", type: "UnknownActivity", nonRetryable: true))
        }
        // A result Temporal cannot take fails the attempt for good, with the reason (sent as
        // it is, the server would refuse it and the attempt would time out and run again).
        if case .success(let result) = outcome, result.count > Self.maxResultBytes {
            outcome = .failure(
                ActivityError(
                    "\(type) result is \(result.count) bytes; Temporal takes at most \(Self.maxResultBytes)",
                    type: "PayloadTooLarge", nonRetryable: true))
        }
        do {
            switch outcome {
            case .success(let result):
                var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskCompletedRequest()
                request.taskToken = task.taskToken
                request.result.payloads = [JSONPayload.raw(result)]
                request.identity = self.client.configuration.identity
                request.namespace = self.client.configuration.namespace
                _ = try await self.client.call("RespondActivityTaskCompleted") { [request] service, metadata, options in
                    try await service.respondActivityTaskCompleted(request, metadata: metadata, options: options)
                }
            case .failure(let error):
                var request = Temporal_Api_Workflowservice_V1_RespondActivityTaskFailedRequest()
                request.taskToken = task.taskToken
                request.failure = .application(
                    message: error.message, type: error.type, nonRetryable: error.nonRetryable)
                request.identity = self.client.configuration.identity
                request.namespace = self.client.configuration.namespace
                _ = try await self.client.call("RespondActivityTaskFailed") { [request] service, metadata, options in
                    try await service.respondActivityTaskFailed(request, metadata: metadata, options: options)
                }
            }
        } catch {
            // The server times the attempt out and retries it per the activity's policy.
            self.worker.logger.error(
                "cannot answer activity task",
                metadata: [
                    "temporal.workflow_id": "\(context.workflowID)", "temporal.activity": "\(type)",
                    "error": "\(error)",
                ]
            )
        }
    }

    /// Runs the activity beside a heartbeat loop; the loop ends with the activity.
    private func run(
        _ activity: any TemporalActivity,
        task: Temporal_Api_Workflowservice_V1_PollActivityTaskQueueResponse,
        context: ActivityContext
    ) async -> Result<Data, ActivityError> {
        let input = task.input.payloads.first?.data ?? Data("null".utf8)
        return await withTaskGroup(of: Result<Data, ActivityError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await activity.run(input: input, context: context))
                } catch let error as ActivityError {
                    return .failure(error)
                } catch {
                    return .failure(ActivityError("\(error)"))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.worker.configuration.heartbeatInterval)
                    if Task.isCancelled { break }
                    await self.heartbeat(task.taskToken)
                }
                return nil
            }
            var outcome: Result<Data, ActivityError> = .failure(ActivityError("activity ended without a result"))
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
    }

    private func heartbeat(_ token: Data) async {
        var request = Temporal_Api_Workflowservice_V1_RecordActivityTaskHeartbeatRequest()
        request.taskToken = token
        request.identity = self.client.configuration.identity
        request.namespace = self.client.configuration.namespace
        _ = try? await self.client.call("RecordActivityTaskHeartbeat") { [request] service, metadata, options in
            try await service.recordActivityTaskHeartbeat(request, metadata: metadata, options: options)
        }
    }
}
