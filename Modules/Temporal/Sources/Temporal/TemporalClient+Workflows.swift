import Foundation

extension TemporalClient {
    /// The outcome of a workflow start.
    public enum StartOutcome: Sendable, Hashable {
        case started(runID: String)
        /// A workflow with that ID already ran (or runs): the reuse policy refused it.
        case alreadyStarted
    }

    /// Starts a workflow. With `rejectDuplicate` (the default) an ID that was used before
    /// (within the namespace's retention) answers `.alreadyStarted` instead of running again.
    /// With `eager`, a worker of this process may take the run's first workflow task from the
    /// start's answer (`EagerWorkflowStarts`).
    public func startWorkflow(
        id: String,
        type: String,
        taskQueue: String,
        input: Data,
        rejectDuplicate: Bool = true,
        requestID: String = UUID().uuidString,
        eager: EagerWorkflowStarts? = nil
    ) async throws(TemporalError) -> StartOutcome {
        var request = Temporal_Api_Workflowservice_V1_StartWorkflowExecutionRequest()
        request.namespace = self.configuration.namespace
        request.workflowID = id
        request.workflowType.name = type
        request.taskQueue.name = taskQueue
        request.taskQueue.kind = .normal
        request.input.payloads = [JSONPayload.raw(input)]
        request.identity = self.configuration.identity
        request.requestID = requestID
        request.workflowIDReusePolicy = rejectDuplicate ? .rejectDuplicate : .allowDuplicate
        // A worker of this process polling the queue with a free slot takes the first task.
        let worker = eager?.reserve(taskQueue: taskQueue)
        request.requestEagerExecution = worker != nil
        do {
            let response = try await self.call("StartWorkflowExecution") { [request] service, metadata, options in
                try await service.startWorkflowExecution(request, metadata: metadata, options: options)
            }
            worker?.runEagerWorkflowTask(response.hasEagerWorkflowTask ? response.eagerWorkflowTask : nil)
            return .started(runID: response.runID)
        } catch  where error.code == .alreadyExists {
            worker?.runEagerWorkflowTask(nil)
            return .alreadyStarted
        } catch {
            worker?.runEagerWorkflowTask(nil)
            throw error
        }
    }
}

extension TemporalClient {
    /// The latest run of workflow `id`; nil when the namespace holds none (or no longer does).
    public func describeWorkflow(id: String, runID: String = "") async throws(TemporalError)
        -> WorkflowExecutionSummary?
    {
        var request = Temporal_Api_Workflowservice_V1_DescribeWorkflowExecutionRequest()
        request.namespace = self.configuration.namespace
        request.execution.workflowID = id
        request.execution.runID = runID
        do {
            let response = try await self.call("DescribeWorkflowExecution") { [request] service, metadata, options in
                try await service.describeWorkflowExecution(request, metadata: metadata, options: options)
            }
            let info = response.workflowExecutionInfo
            return WorkflowExecutionSummary(
                workflowID: info.execution.workflowID, runID: info.execution.runID, workflowType: info.type.name,
                status: WorkflowExecutionSummary.Status(info.status))
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// Asks Temporal to cancel the run `runID` of workflow `id` (the latest when empty). The
    /// workflow decides what that means; a workflow that has closed is left as it is.
    public func requestCancelWorkflow(id: String, runID: String = "", reason: String) async throws(TemporalError) {
        var request = Temporal_Api_Workflowservice_V1_RequestCancelWorkflowExecutionRequest()
        request.namespace = self.configuration.namespace
        request.workflowExecution.workflowID = id
        request.workflowExecution.runID = runID
        request.identity = self.configuration.identity
        request.requestID = UUID().uuidString
        request.reason = reason
        _ = try await self.call("RequestCancelWorkflowExecution") { [request] service, metadata, options in
            try await service.requestCancelWorkflowExecution(request, metadata: metadata, options: options)
        }
    }

    /// Ends workflow `id` at once, without running any of its code.
    public func terminateWorkflow(id: String, runID: String = "", reason: String) async throws(TemporalError) {
        var request = Temporal_Api_Workflowservice_V1_TerminateWorkflowExecutionRequest()
        request.namespace = self.configuration.namespace
        request.workflowExecution.workflowID = id
        request.workflowExecution.runID = runID
        request.identity = self.configuration.identity
        request.reason = reason
        _ = try await self.call("TerminateWorkflowExecution") { [request] service, metadata, options in
            try await service.terminateWorkflowExecution(request, metadata: metadata, options: options)
        }
    }
}
