import EventTypes
import Foundation
import Runs

/// Starts `RunActivityWorkflow` with reject-duplicate ID reuse.
public struct TemporalWorkflowStarter: WorkflowStarter {
    public let client: TemporalClient
    public let taskQueue: String
    /// This process's worker, which may take the run's first workflow task from the start.
    public let eager: EagerWorkflowStarts?

    public init(client: TemporalClient, taskQueue: String, eager: EagerWorkflowStarts? = nil) {
        self.client = client
        self.taskQueue = taskQueue
        self.eager = eager
    }

    public func start(workflowID: String, input: Data) async throws -> Bool {
        // A fresh request ID per start: a redelivered event meets "already started" and is
        // counted as deduplicated (the client's own retries reuse the request, so they stay
        // idempotent).
        switch try await self.client.startWorkflow(
            id: workflowID,
            type: RunContract.workflowType,
            taskQueue: self.taskQueue,
            input: input,
            eager: self.eager
        ) {
        case .started: true
        case .alreadyStarted: false
        }
    }

    /// Unavailable, deadline or rate limit: Temporal is not answering now.
    public func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? TemporalError else { return false }
        return error.isTransient || error.code == .deadlineExceeded
    }

    /// Checks Temporal every 1 s, then less often up to every 10 s, until it answers.
    public func waitUntilAvailable() async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled {
            if (try? await self.client.checkConnection()) != nil { return }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
    }
}
