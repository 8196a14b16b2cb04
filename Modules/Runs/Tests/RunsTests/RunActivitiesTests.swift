import Definitions
import Foundation
import Logging
import Prometheus
import Testing
import Workflows

@testable import Runs

/// The activities over in-memory stores and a recording executor.
@Suite("Run activities")
struct RunActivitiesTests {
    final class RecordingExecutor: ActionExecutor, @unchecked Sendable {
        // Only touched from one test task at a time.
        var calls: [(ActivityAction, JSONValue, String)] = []
        var failure: ActionError?

        func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
            self.calls.append((action, document, workflowID))
            if let failure { throw failure }
            return .object(["ok": .bool(true)])
        }
    }

    static func store(enabled: Bool = true, retired: Bool = false) -> InMemoryDocumentStore<ActivityDefinition> {
        let definition = ActivityDefinition(
            id: "digest",
            name: "Daily digest",
            enabled: enabled,
            trigger: .cron(CronTrigger(cronExpression: "0 6 * * *")),
            input: .object(["window": .string("24h")]),
            document: .object(["id": .string("digest"), "rules": .array([.string("be brief")])])
        )
        return InMemoryDocumentStore(records: [
            StoredRecord(
                document: definition, source: DefinitionSource(root: "/r", path: "d.yaml"),
                retiredAt: retired ? Date() : nil)
        ])
    }

    static let context = ActivityContext(
        workflowID: "wf", runID: "run", activityID: "PrepareRun", attempt: 1, maxAttempts: 30)

    static func prepareInput(_ id: String = "digest") -> Data {
        RunJSON.encode(
            PrepareInput(
                run: RunInput(activityID: id, trigger: "manual"), workflowID: "wf", runID: "run", scheduledTime: nil))
    }

    @Test("prepare builds the contract's run document and records the run as running")
    func prepare() async throws {
        let runs = InMemoryRunStore()
        let activity = PrepareRunActivity(
            definitions: Self.store(), runs: runs, defaultActionURL: "http://127.0.0.1:9/hook")
        let prepared = try RunJSON.decode(
            PreparedRun.self, from: try await activity.run(input: Self.prepareInput(), context: Self.context))
        #expect(!prepared.skip)
        #expect(prepared.action == ActivityAction(kind: .http, url: "http://127.0.0.1:9/hook"))
        let document = prepared.document
        for key in [
            "activity_id", "name", "trigger", "event", "input", "definition", "workflow_id", "run_id", "attempt",
            "scheduled_time",
        ] {
            #expect(document[key] != nil, "run document lacks \(key)")
        }
        #expect(document["name"] == .string("Daily digest"))
        #expect(document["event"] == .null)
        #expect(document["definition"]?["rules"] == .array([.string("be brief")]))
        #expect(try await runs.recent(activityID: "digest", limit: 5).map(\.status) == [.running])
    }

    @Test(
        "a disabled or retired definition is skipped: recorded as running, left for FinishRun to end",
        arguments: [(false, false), (true, true)])
    func skipped(enabled: Bool, retired: Bool) async throws {
        let runs = InMemoryRunStore()
        let activity = PrepareRunActivity(
            definitions: Self.store(enabled: enabled, retired: retired), runs: runs, defaultActionURL: nil)
        let prepared = try RunJSON.decode(
            PreparedRun.self, from: try await activity.run(input: Self.prepareInput(), context: Self.context))
        #expect(prepared.skip)
        #expect(prepared.reason == (retired ? "definition retired" : "definition disabled"))
        #expect(try await runs.recent(activityID: nil, limit: 5).map(\.status) == [.running])
    }

    @Test("an unknown definition fails non-retryably")
    func unknown() async throws {
        let activity = PrepareRunActivity(definitions: Self.store(), runs: InMemoryRunStore(), defaultActionURL: nil)
        await #expect(
            throws: ActivityError("no definition nope is stored", type: "DefinitionNotFound", nonRetryable: true)
        ) {
            _ = try await activity.run(input: Self.prepareInput("nope"), context: Self.context)
        }
    }

    @Test("execute sets the attempt, records it, and maps failures to retryable or not")
    func execute() async throws {
        let runs = InMemoryRunStore()
        try await runs.start(
            RunRecord(activityID: "digest", trigger: "cron", workflowID: "wf", runID: "run", status: .running))
        let executor = RecordingExecutor()
        let activity = ExecuteActionActivity(
            actions: ActionRunner(http: executor, natsPublish: executor, echo: executor), runs: runs)
        let prepared = PreparedRun(
            skip: false, reason: nil, activityID: "digest", workflowID: "wf", runID: "run",
            document: .object(["attempt": .integer(1)]), action: ActivityAction(kind: .echo))
        let context = ActivityContext(
            workflowID: "wf", runID: "run", activityID: "ExecuteAction", attempt: 3, maxAttempts: 3)
        _ = try await activity.run(input: RunJSON.encode(prepared), context: context)
        #expect(executor.calls.first?.1["attempt"] == .integer(3))
        #expect(executor.calls.first?.2 == "wf")
        #expect(try await runs.recent(activityID: nil, limit: 1).first?.attempts == 3)

        executor.failure = ActionError("answered 500", retryable: true)
        await #expect(throws: ActivityError("answered 500", type: "ActionFailed", nonRetryable: false)) {
            _ = try await activity.run(input: RunJSON.encode(prepared), context: context)
        }
        executor.failure = ActionError("no url", retryable: false)
        await #expect(throws: ActivityError("no url", type: "InvalidAction", nonRetryable: true)) {
            _ = try await activity.run(input: RunJSON.encode(prepared), context: context)
        }
    }

    @Test("finish records the status and publishes the completion envelope")
    func finish() async throws {
        final class Recorder: EventPublisher, @unchecked Sendable {
            var published: [(String, Data)] = []
            func publish(subject: String, payload: Data, messageID: String?) async throws {
                self.published.append((subject, payload))
            }
        }
        let runs = InMemoryRunStore()
        try await runs.start(
            RunRecord(activityID: "digest", trigger: "cron", workflowID: "wf", runID: "run", status: .running))
        let recorder = Recorder()
        let activity = FinishRunActivity(runs: runs, publisher: recorder)
        let input = FinishInput(activityID: "digest", workflowID: "wf", runID: "run", status: .succeeded, error: nil)
        _ = try await activity.run(input: RunJSON.encode(input), context: Self.context)
        #expect(try await runs.recent(activityID: nil, limit: 1).first?.status == .succeeded)
        let (subject, payload) = try #require(recorder.published.first)
        #expect(subject == "org.activity.run.completed")
        let envelope = try JSONValue.parse(payload)
        #expect(envelope["type"] == .string("org.activity.run.completed"))
        #expect(
            envelope["attributes"]
                == .object([
                    "activity_id": .string("digest"), "workflow_id": .string("wf"), "status": .string("succeeded"),
                ]))
    }

    @Test(
        "a skipped run is finished like the others: recorded, counted once and published, however often the publish is retried"
    )
    func skippedFinishCountsOnce() async throws {
        final class FlakyPublisher: EventPublisher, @unchecked Sendable {
            var failures = 2
            var published: [Data] = []
            func publish(subject: String, payload: Data, messageID: String?) async throws {
                if self.failures > 0 {
                    self.failures -= 1
                    throw CancellationError()
                }
                self.published.append(payload)
            }
        }
        let runs = InMemoryRunStore()
        try await runs.start(
            RunRecord(activityID: "digest", trigger: "cron", workflowID: "wf", runID: "run", status: .running))
        let registry = PrometheusCollectorRegistry()
        let publisher = FlakyPublisher()
        let activity = FinishRunActivity(
            runs: runs, publisher: publisher, metrics: PrometheusMetricsFactory(registry: registry))
        let input = FinishInput(
            activityID: "digest", workflowID: "wf", runID: "run", status: .skipped, error: "definition disabled")
        for _ in 0..<2 {
            await #expect(throws: CancellationError.self) {
                _ = try await activity.run(input: RunJSON.encode(input), context: Self.context)
            }
        }
        _ = try await activity.run(input: RunJSON.encode(input), context: Self.context)
        let run = try #require(try await runs.recent(activityID: nil, limit: 1).first)
        #expect(run.status == .skipped && run.error == "definition disabled")
        #expect(publisher.published.count == 1)
        #expect(try JSONValue.parse(publisher.published[0])["attributes"]?["status"] == .string("skipped"))
        var text: [UInt8] = []
        registry.emit(into: &text)
        let exposition = String(decoding: text, as: UTF8.self)
        #expect(exposition.contains(#"activity_runs_total{result="skipped"} 1"#), "\(exposition)")
    }

    @Test("a run whose PrepareRun failed before recording it is recorded and counted by FinishRun, once")
    func finishRecordsUnrecordedRun() async throws {
        let runs = InMemoryRunStore()
        let registry = PrometheusCollectorRegistry()
        let activity = FinishRunActivity(
            runs: runs, publisher: LoggingEventPublisher(logger: Logger(label: "test")),
            metrics: PrometheusMetricsFactory(registry: registry))
        let input = FinishInput(
            activityID: "digest", workflowID: "wf", runID: "run", status: .failed, error: "no definition digest",
            trigger: "manual")
        for _ in 0..<2 { _ = try await activity.run(input: RunJSON.encode(input), context: Self.context) }
        let run = try #require(try await runs.recent(activityID: "digest", limit: 5).first)
        #expect(run.status == .failed && run.trigger == "manual" && run.error == "no definition digest")
        var text: [UInt8] = []
        registry.emit(into: &text)
        #expect(String(decoding: text, as: UTF8.self).contains(#"activity_runs_total{result="failed"} 1"#))
    }
}
