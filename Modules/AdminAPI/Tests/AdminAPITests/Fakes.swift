import AdminAPI
import Definitions
import Foundation
import Runs
import Sync
import Synchronization

/// Records the sync calls and answers with a scripted outcome.
final class FakeSync: AdminSyncing {
    enum Answer: Sendable {
        case ran, busy, lockDown
    }

    let answer: Answer
    let calls = Mutex<[(SyncStages, Bool)]>([])
    /// The `allowEmpty` of each call.
    let allowEmpty = Mutex<[Bool]>([])
    /// The `refresh` of each call.
    let refresh = Mutex<[Bool]>([])

    init(_ answer: Answer = .ran) { self.answer = answer }

    func sync(_ stages: SyncStages, dryRun: Bool, allowEmpty: Bool, refresh: Bool, trigger: SyncTrigger) async throws
        -> SyncOutcome
    {
        self.calls.withLock { $0.append((stages, dryRun)) }
        self.allowEmpty.withLock { $0.append(allowEmpty) }
        self.refresh.withLock { $0.append(refresh) }
        switch self.answer {
        case .busy: return .busy
        case .lockDown: throw SyncServiceError("cannot take the sync lock: connection refused")
        case .ran:
            var report = SyncReport(dryRun: dryRun, startedAt: Date(timeIntervalSince1970: 1_781_797_953))
            report.durationMilliseconds = 41
            report.addChange(stage: .schedules, item: "activity-schedule-coulomb-daily-digest", action: "create")
            return .ran(report)
        }
    }

    func status() -> SyncStatus {
        SyncStatus(
            running: false, intervalSeconds: 0, lastStartedAt: nil, lastSuccessAt: nil, lastError: nil,
            lastResult: nil)
    }
}

struct FakeCatalog: DefinitionCatalog {
    func definitions() async throws -> [JSONValue] {
        [.object(["id": .string("digest"), "enabled": .bool(true)])]
    }
}

struct FakeTrigger: RunTriggering {
    func trigger(activityID: String) async throws -> String? {
        activityID == "digest" ? "activity-digest:manual:1" : nil
    }
}

/// Answers by workflow ID: `...:running` is asked, `...:done` has ended, anything else unknown.
struct FakeCancel: RunCanceller {
    func cancel(workflowID: String) async throws -> RunCancelOutcome {
        if workflowID.hasSuffix(":running") { return .requested }
        if workflowID.hasSuffix(":done") { return .alreadyClosed(status: "completed") }
        return .notFound
    }
}

final class FakeRuns: RunHistory {
    let asked = Mutex<(String?, Int)?>(nil)
    func runs(activityID: String?, limit: Int) async throws -> [JSONValue] {
        self.asked.withLock { $0 = (activityID, limit) }
        return [.object(["activity_id": .string(activityID ?? "x"), "status": .string("succeeded")])]
    }
}

struct FakeReadiness: ReadinessProbe {
    var failing: [String: String] = [:]
    var warning: [String] = []
    func failures() async -> [String: String] { self.failing }
    func warnings() async -> [String] { self.warning }
}

struct FakeMetrics: MetricsExporter {
    func render() async -> String {
        "# TYPE activity_sync_runs_total counter\nactivity_sync_runs_total{result=\"ok\"} 1\n"
    }
}
