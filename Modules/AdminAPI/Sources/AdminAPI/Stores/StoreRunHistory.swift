import Definitions
import Foundation
import Runs

/// `GET /admin/runs` from the run store.
public struct StoreRunHistory: RunHistory {
    let runs: any RunStore

    public init(runs: any RunStore) {
        self.runs = runs
    }

    public func runs(activityID: String?, limit: Int) async throws -> [JSONValue] {
        try await self.runs.recent(activityID: activityID, limit: limit).map { run in
            .object([
                "activity_id": .string(run.activityID),
                "trigger": .string(run.trigger),
                "workflow_id": .string(run.workflowID),
                "run_id": .string(run.runID),
                "status": .string(run.status.rawValue),
                "attempts": .integer(Int64(run.attempts)),
                "scheduled_time": run.scheduledTime.map { .string($0.formatted(.iso8601)) } ?? .null,
                "started_at": .string(run.startedAt.formatted(.iso8601)),
                "finished_at": run.finishedAt.map { .string($0.formatted(.iso8601)) } ?? .null,
                "error": run.error.map { .string($0) } ?? .null,
            ])
        }
    }
}
