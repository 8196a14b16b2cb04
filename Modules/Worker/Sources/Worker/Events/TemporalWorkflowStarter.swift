import EventTypes
import Foundation
import Temporal

/// Starts `RunActivityWorkflow` with reject-duplicate ID reuse.
public struct TemporalWorkflowStarter: WorkflowStarter {
    public let client: TemporalClient
    public let taskQueue: String

    public init(client: TemporalClient, taskQueue: String) {
        self.client = client
        self.taskQueue = taskQueue
    }

    public func start(workflowID: String, input: Data) async throws -> Bool {
        // A fresh request ID per start: a redelivered event meets "already started" and is
        // counted as deduplicated (the client's own retries reuse the request, so they stay
        // idempotent).
        switch try await self.client.startWorkflow(
            id: workflowID,
            type: RunActivityWorkflow.name,
            taskQueue: self.taskQueue,
            input: input
        ) {
        case .started: true
        case .alreadyStarted: false
        }
    }
}
