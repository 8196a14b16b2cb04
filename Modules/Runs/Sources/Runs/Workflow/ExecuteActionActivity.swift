import Definitions
import Foundation
import Workflows

/// Runs the action of a prepared run, one attempt per call; records each attempt.
public struct ExecuteActionActivity: TemporalActivity {
    public let actions: ActionRunner
    public let runs: any RunStore

    public init(actions: ActionRunner, runs: any RunStore) {
        self.actions = actions
        self.runs = runs
    }

    public var name: String { RunActivityWorkflow.execute }

    public func run(input: Data, context: ActivityContext) async throws -> Data {
        let prepared: PreparedRun
        do {
            prepared = try RunJSON.decode(PreparedRun.self, from: input)
        } catch {
            throw ActivityError("ExecuteAction input is not valid: \(error)", type: "InvalidInput", nonRetryable: true)
        }
        let action = prepared.action ?? ActivityAction(kind: .echo)
        try await self.runs.recordAttempt(
            workflowID: prepared.workflowID, runID: prepared.runID, attempt: context.attempt)
        var document = prepared.document
        if case .object(var members) = document {
            members["attempt"] = .integer(Int64(context.attempt))
            document = .object(members)
        }
        do {
            let result = try await self.actions.execute(action, document: document, workflowID: prepared.workflowID)
            return result.canonicalJSON()
        } catch let error as ActionError {
            try? await self.runs.recordAttemptError(
                workflowID: prepared.workflowID, runID: prepared.runID, error: error.message)
            throw ActivityError(
                error.message, type: error.retryable ? "ActionFailed" : "InvalidAction", nonRetryable: !error.retryable)
        }
    }
}
