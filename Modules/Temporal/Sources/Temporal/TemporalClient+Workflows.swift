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
    public func startWorkflow(
        id: String,
        type: String,
        taskQueue: String,
        input: Data,
        rejectDuplicate: Bool = true,
        requestID: String = UUID().uuidString
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
        do {
            let response = try await self.call("StartWorkflowExecution") { [request] service, metadata, options in
                try await service.startWorkflowExecution(request, metadata: metadata, options: options)
            }
            return .started(runID: response.runID)
        } catch  where error.code == .alreadyExists {
            return .alreadyStarted
        }
    }
}
