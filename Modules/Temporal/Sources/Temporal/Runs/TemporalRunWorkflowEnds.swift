import Runs

/// How a run's workflow ended, from `DescribeWorkflowExecution` of that very run.
public struct TemporalRunWorkflowEnds: RunWorkflowEnds {
    public let client: TemporalClient

    public init(client: TemporalClient) {
        self.client = client
    }

    public func end(workflowID: String, runID: String) async throws -> RunWorkflowEnd? {
        guard let execution = try await self.client.describeWorkflow(id: workflowID, runID: runID) else {
            return .gone
        }
        return switch execution.status {
        case .running, .paused, .unknown: nil
        case .completed, .continuedAsNew: .completed
        case .failed: .failed
        case .canceled: .canceled
        case .terminated: .terminated
        case .timedOut: .timedOut
        }
    }
}
