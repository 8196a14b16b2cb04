import Definitions
import Foundation
import Logging
import Synchronization
import Testing

@testable import Runs

/// The run reconciler over in-memory runs and scripted workflow ends (the real one is in the
/// integration tests: a terminated workflow's run recorded `terminated`).
@Suite("Run reconciler")
struct RunReconcilerTests {
    /// Workflow ends by workflow ID (absent: still open); a workflow ID in `failing` throws.
    struct ScriptedEnds: RunWorkflowEnds {
        var ends: [String: RunWorkflowEnd]
        var failing: Set<String> = []
        struct Unavailable: Error {}
        func end(workflowID: String, runID: String) async throws -> RunWorkflowEnd? {
            if self.failing.contains(workflowID) { throw Unavailable() }
            return self.ends[workflowID]
        }
    }

    final class Published: EventPublisher {
        let messages = Mutex<[JSONValue]>([])
        func publish(subject: String, payload: Data, messageID: String?) async throws {
            let envelope = try JSONValue.parse(payload)
            self.messages.withLock { $0.append(envelope) }
        }
    }

    /// A lock held by another replica (`free` false) or not.
    struct Lock: RunReconcileLock {
        var free = true
        func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws
            -> Result?
        {
            self.free ? try await body() : nil
        }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(_ workflowID: String, status: RunRecord.Status = .running, age: TimeInterval = 600) -> RunRecord {
        RunRecord(
            activityID: "digest", trigger: "cron", workflowID: workflowID, runID: "r-\(workflowID)", status: status,
            startedAt: Self.now.addingTimeInterval(-age))
    }

    static func reconciler(
        _ runs: InMemoryRunStore, ends: ScriptedEnds, publisher: Published, lock: Lock = Lock()
    ) -> RunReconciler {
        RunReconciler(
            runs: runs, workflows: ends, finisher: RunFinisher(runs: runs, publisher: publisher), lock: lock,
            interval: .seconds(60), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test("a run whose workflow closed is ended with that status, counted and published; open and young ones wait")
    func endsClosedRuns() async throws {
        let runs = InMemoryRunStore()
        for run in [
            Self.run("terminated"), Self.run("open"), Self.run("young", age: 10), Self.run("timed-out"),
            Self.run("cancelled"), Self.run("gone"), Self.run("unreachable"), Self.run("done", status: .succeeded),
        ] {
            try await runs.start(run)
        }
        let ends = ScriptedEnds(
            ends: [
                "terminated": .terminated, "young": .terminated, "timed-out": .timedOut, "cancelled": .canceled,
                "gone": .gone, "done": .terminated,
            ], failing: ["unreachable"])
        let published = Published()
        let ended = try await Self.reconciler(runs, ends: ends, publisher: published).reconcile(now: Self.now)
        #expect(ended == 4)
        let statuses = Dictionary(
            uniqueKeysWithValues: try await runs.recent(activityID: nil, limit: 100).map { ($0.workflowID, $0) })
        #expect(statuses["terminated"]?.status == .terminated)
        #expect(statuses["terminated"]?.error == "the workflow was terminated")
        #expect(statuses["timed-out"]?.status == .timedOut)
        #expect(statuses["cancelled"]?.status == .cancelled)
        #expect(statuses["gone"]?.status == .terminated)
        #expect(statuses["gone"]?.error == "the workflow is no longer in Temporal")
        for waiting in ["open", "young", "unreachable"] {
            #expect(statuses[waiting]?.status == .running, "\(waiting)")
        }
        #expect(statuses["done"]?.status == .succeeded)
        let envelopes = published.messages.withLock { $0 }
        #expect(envelopes.count == 4)
        #expect(
            envelopes.contains {
                $0["attributes"]?["workflow_id"] == .string("timed-out")
                    && $0["attributes"]?["status"] == .string("timed_out")
            })
        // A second pass finds nothing more to end.
        #expect(try await Self.reconciler(runs, ends: ends, publisher: published).reconcile(now: Self.now) == 0)
    }

    @Test(
        "how each end is recorded",
        arguments: [
            (RunWorkflowEnd.terminated, RunRecord.Status.terminated), (.timedOut, .timedOut), (.canceled, .cancelled),
            (.failed, .failed), (.completed, .skipped), (.gone, .terminated),
        ])
    func outcome(end: RunWorkflowEnd, status: RunRecord.Status) {
        #expect(RunReconciler.outcome(of: end).0 == status)
        #expect(!RunReconciler.outcome(of: end).1.isEmpty)
    }

    @Test("runs lists only running runs started before the bound, oldest first")
    func runningQuery() async throws {
        let runs = InMemoryRunStore()
        for run in [
            Self.run("b", age: 100), Self.run("a", age: 200), Self.run("c", age: 5), Self.run("d", status: .failed),
        ] {
            try await runs.start(run)
        }
        let listed = try await runs.running(startedBefore: Self.now.addingTimeInterval(-60), limit: 10)
        #expect(listed.map(\.workflowID) == ["a", "b"])
        #expect(try await runs.running(startedBefore: Self.now, limit: 1).map(\.workflowID) == ["a"])
    }
}
