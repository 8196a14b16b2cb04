import Foundation
import Synchronization

/// Runs in memory, for unit tests.
public final class InMemoryRunStore: RunStore {
    private let runs = Mutex<[String: RunRecord]>([:])

    public init() {}

    static func key(_ workflowID: String, _ runID: String) -> String { workflowID + "\u{0}" + runID }

    public func start(_ run: RunRecord) async throws {
        self.runs.withLock { runs in
            let key = Self.key(run.workflowID, run.runID)
            if runs[key] == nil { runs[key] = run }
        }
    }

    public func recordAttempt(workflowID: String, runID: String, attempt: Int) async throws {
        self.runs.withLock { runs in
            let key = Self.key(workflowID, runID)
            guard var run = runs[key] else { return }
            run.attempts = max(run.attempts, attempt)
            runs[key] = run
        }
    }

    public func recordAttemptError(workflowID: String, runID: String, error: String) async throws {
        self.runs.withLock { $0[Self.key(workflowID, runID)]?.error = error }
    }

    @discardableResult
    public func finish(_ run: RunRecord) async throws -> Bool {
        self.runs.withLock { runs in
            let key = Self.key(run.workflowID, run.runID)
            guard var stored = runs[key] else {
                var recorded = run
                recorded.finishedAt = Date()
                runs[key] = recorded
                return true
            }
            guard stored.status == .running else { return false }
            stored.status = run.status
            stored.error = run.error
            stored.finishedAt = Date()
            runs[key] = stored
            return true
        }
    }

    public func running(startedBefore: Date, limit: Int) async throws -> [RunRecord] {
        self.runs.withLock { runs in
            Array(
                runs.values.filter { $0.status == .running && $0.startedAt < startedBefore }.sorted {
                    $0.startedAt < $1.startedAt
                }.prefix(limit))
        }
    }

    public func recent(activityID: String?, limit: Int) async throws -> [RunRecord] {
        self.runs.withLock { runs in
            Array(
                runs.values.filter { activityID == nil || $0.activityID == activityID }.sorted {
                    $0.startedAt > $1.startedAt
                }.prefix(limit))
        }
    }
}
