import Runs

/// Cancels a run's workflow through Temporal. Only `RunActivityWorkflow` executions are
/// activity-core's: any other workflow in the namespace is `notFound`, never cancelled.
public struct TemporalRunCanceller: RunCanceller {
    public let client: TemporalClient

    public init(client: TemporalClient) {
        self.client = client
    }

    public func cancel(workflowID: String) async throws -> RunCancelOutcome {
        guard let execution = try await self.client.describeWorkflow(id: workflowID),
            execution.workflowType == RunContract.workflowType
        else { return .notFound }
        guard execution.isOpen else { return .alreadyClosed(status: execution.status.rawValue) }
        // A run that closes between the describe and the request: Temporal answers the request
        // with success and does nothing.
        try await self.client.requestCancelWorkflow(
            id: workflowID, runID: execution.runID, reason: "cancel requested through activity-core")
        return .requested
    }
}
