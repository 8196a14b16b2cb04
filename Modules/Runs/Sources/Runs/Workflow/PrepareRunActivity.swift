import Definitions
import Foundation
import Workflows

/// Loads the definition as stored now, decides whether the run goes ahead, records the run
/// and builds the run document (CONTRACT section 6).
public struct PrepareRunActivity: TemporalActivity {
    public let definitions: any DocumentStore<ActivityDefinition>
    public let runs: any RunStore
    /// The http action for definitions without one (`ACTIVITY_DEFAULT_ACTION_URL`); nil = echo.
    public let defaultActionURL: String?

    public init(definitions: any DocumentStore<ActivityDefinition>, runs: any RunStore, defaultActionURL: String?) {
        self.definitions = definitions
        self.runs = runs
        self.defaultActionURL = defaultActionURL
    }

    public var name: String { RunActivityWorkflow.prepare }

    public func run(input: Data, context: ActivityContext) async throws -> Data {
        let prepare: PrepareInput
        do {
            prepare = try RunJSON.decode(PrepareInput.self, from: input)
        } catch {
            throw ActivityError("PrepareRun input is not valid: \(error)", type: "InvalidInput", nonRetryable: true)
        }
        let run = prepare.run
        let record = RunRecord(
            activityID: run.activityID,
            trigger: run.trigger,
            workflowID: prepare.workflowID,
            runID: prepare.runID,
            status: .running,
            scheduledTime: prepare.scheduledTime
        )
        // A run decided at once is recorded as running here and ended by FinishRun (recorded,
        // counted and published like every other run).
        guard let stored = try await self.definitions.record(id: run.activityID) else {
            try await self.runs.start(record)
            throw ActivityError(
                "no definition \(run.activityID) is stored", type: "DefinitionNotFound", nonRetryable: true)
        }
        let definition = stored.document
        if stored.isRetired || !definition.enabled {
            try await self.runs.start(record)
            let skipped = PreparedRun(
                skip: true,
                reason: stored.isRetired ? "definition retired" : "definition disabled",
                activityID: run.activityID,
                workflowID: prepare.workflowID,
                runID: prepare.runID,
                document: .null,
                action: nil
            )
            return RunJSON.encode(skipped)
        }
        let action = definition.action ?? self.defaultAction
        if let problem = action.rangeProblem {
            // A value no Temporal duration can hold must fail this run, never the worker.
            try await self.runs.start(record)
            throw ActivityError(
                "definition \(run.activityID) cannot run: \(problem)", type: "InvalidDefinition", nonRetryable: true)
        }
        try await self.runs.start(record)
        let document = Self.runDocument(definition: definition, run: run, prepare: prepare)
        let prepared = PreparedRun(
            skip: false,
            reason: nil,
            activityID: run.activityID,
            workflowID: prepare.workflowID,
            runID: prepare.runID,
            document: document,
            action: action
        )
        return RunJSON.encode(prepared)
    }

    var defaultAction: ActivityAction {
        guard let url = self.defaultActionURL else { return ActivityAction(kind: .echo) }
        return ActivityAction(kind: .http, url: url)
    }

    /// `{"activity_id", "name", "trigger", "event", "input", "definition", "workflow_id",
    /// "run_id", "attempt", "scheduled_time"}`; `attempt` is set by each attempt.
    static func runDocument(definition: ActivityDefinition, run: RunInput, prepare: PrepareInput) -> JSONValue {
        .object([
            "activity_id": .string(definition.id),
            "name": .string(definition.name),
            "trigger": .string(run.trigger),
            "event": run.event ?? .null,
            "input": definition.input ?? .null,
            "definition": definition.document,
            "workflow_id": .string(prepare.workflowID),
            "run_id": .string(prepare.runID),
            "attempt": .integer(1),
            "scheduled_time": prepare.scheduledTime.map { .string($0.formatted(.iso8601)) } ?? .null,
        ])
    }
}
