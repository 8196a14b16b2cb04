import Definitions
import Foundation
import Testing
import Workflows

@testable import Runs

/// The workflow decision function over recorded histories (no server).
@Suite("RunActivityWorkflow decisions")
struct RunActivityWorkflowTests {
    let workflow = RunActivityWorkflow(taskQueue: "orchestrator-tq")

    static func history(_ events: [WorkflowEvent], input: String = #"{"activity_id":"digest","trigger":"cron"}"#)
        -> WorkflowHistory
    {
        WorkflowHistory(
            workflowID: "activity-digest-2026-11-29T06:00:00Z",
            runID: "run-1",
            workflowType: RunActivityWorkflow.name,
            input: Data(input.utf8),
            scheduledTime: Date(timeIntervalSince1970: 1_795_000_000),
            events: events
        )
    }

    static func prepared(
        skip: Bool = false,
        action: ActivityAction? = ActivityAction(
            kind: .http, url: "http://127.0.0.1:9/x", timeoutSeconds: 45,
            retry: RetryPolicy(maxAttempts: 4, initialIntervalSeconds: 2, backoff: 3, maxIntervalSeconds: 20))
    ) -> Data {
        RunJSON.encode(
            PreparedRun(
                skip: skip,
                reason: skip ? "definition disabled" : nil,
                activityID: "digest",
                workflowID: "activity-digest-2026-11-29T06:00:00Z",
                runID: "run-1",
                document: .object(["activity_id": .string("digest")]),
                action: action
            )
        )
    }

    /// The one activity `commands` ask for: the action as an activity task, the bookkeeping
    /// (`PrepareRun`, `FinishRun`) as a local activity.
    func invocation(_ commands: [WorkflowCommand]) throws -> ActivityInvocation {
        switch commands.first {
        case .scheduleActivity(let invocation)? where commands.count == 1:
            #expect(invocation.activityType == RunActivityWorkflow.execute, "bookkeeping runs as a local activity")
            return invocation
        case .runLocalActivity(let invocation)? where commands.count == 1:
            #expect(invocation.activityType != RunActivityWorkflow.execute, "the action is an activity task")
            return invocation
        default:
            Issue.record("expected one activity to schedule, got \(commands)")
            throw CancellationError()
        }
    }

    @Test("first task: schedule PrepareRun with the run's identity and scheduled time")
    func firstTask() throws {
        let invocation = try self.invocation(self.workflow.decide(Self.history([])))
        #expect(invocation.activityType == "PrepareRun")
        // Bookkeeping has a queue of its own, so it never waits behind actions.
        #expect(invocation.taskQueue == "orchestrator-tq-bookkeeping")
        #expect(invocation.startToCloseSeconds > 0)
        let input = try RunJSON.decode(PrepareInput.self, from: invocation.input)
        #expect(input.run == RunInput(activityID: "digest", trigger: "cron"))
        #expect(input.workflowID == "activity-digest-2026-11-29T06:00:00Z")
        #expect(input.runID == "run-1")
        #expect(input.scheduledTime == Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test("a run whose bookkeeping ran as local activities: markers stand for PrepareRun and FinishRun")
    func localBookkeeping() throws {
        var events: [WorkflowEvent] = [
            .localActivityRecorded(eventID: 5, activityID: "PrepareRun", outcome: .completed(Self.prepared()))
        ]
        let execute = try self.invocation(self.workflow.decide(Self.history(events)))
        #expect(execute.activityType == "ExecuteAction")
        events += [
            .activityScheduled(eventID: 6, activityID: "ExecuteAction", activityType: "ExecuteAction"),
            .activityCompleted(scheduledEventID: 6, result: Data(#"{"status":200}"#.utf8)),
        ]
        let finish = try self.invocation(self.workflow.decide(Self.history(events)))
        #expect(finish.activityType == "FinishRun")
        #expect(try RunJSON.decode(FinishInput.self, from: finish.input).status == .succeeded)
        events.append(.localActivityRecorded(eventID: 12, activityID: "FinishRun", outcome: .completed(nil)))
        let commands = self.workflow.decide(Self.history(events))
        guard case .completeWorkflow(let result)? = commands.first, commands.count == 1 else {
            Issue.record("expected completion, got \(commands)")
            return
        }
        #expect(try JSONValue.parse(result)["status"] == .string("succeeded"))
        #expect(try JSONValue.parse(result)["result"]?["status"] == .integer(200))
    }

    @Test("a local PrepareRun that failed for good: FinishRun records the failure, the workflow fails")
    func localPrepareFailed() throws {
        var events: [WorkflowEvent] = [
            .localActivityRecorded(
                eventID: 5, activityID: "PrepareRun",
                outcome: .failed(message: "no definition digest is stored", type: "DefinitionNotFound"))
        ]
        let finish = try self.invocation(self.workflow.decide(Self.history(events)))
        let input = try RunJSON.decode(FinishInput.self, from: finish.input)
        #expect(input.status == .failed)
        #expect(input.error == "no definition digest is stored")
        events.append(.localActivityRecorded(eventID: 6, activityID: "FinishRun", outcome: .completed(nil)))
        #expect(
            self.workflow.decide(Self.history(events)) == [
                .failWorkflow(message: "no definition digest is stored", type: "DefinitionNotFound")
            ])
    }

    @Test("a PrepareRun that fell back to an activity task is waited for like one")
    func fellBack() throws {
        let events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun")
        ]
        #expect(self.workflow.decide(Self.history(events)).isEmpty)
        let done = events + [.activityCompleted(scheduledEventID: 5, result: Self.prepared())]
        #expect(try self.invocation(self.workflow.decide(Self.history(done))).activityType == "ExecuteAction")
    }

    @Test("while an activity runs there is nothing to do")
    func waiting() {
        let commands = self.workflow.decide(
            Self.history([.activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun")]))
        #expect(commands.isEmpty)
    }

    @Test("prepared: schedule the action with the definition's timeout and retry policy")
    func schedulesAction() throws {
        let events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityCompleted(scheduledEventID: 5, result: Self.prepared()),
        ]
        let invocation = try self.invocation(self.workflow.decide(Self.history(events)))
        #expect(invocation.activityType == "ExecuteAction")
        #expect(invocation.taskQueue == "orchestrator-tq")
        // The action's own deadline (45 s) ends it first; Temporal's is the backstop.
        #expect(invocation.startToCloseSeconds == 45 + RunActivityWorkflow.actionTimeoutMargin)
        #expect(invocation.retry.maxAttempts == 4)
        #expect(invocation.retry.initialIntervalSeconds == 2)
        #expect(invocation.retry.backoff == 3)
        #expect(invocation.retry.maxIntervalSeconds == 20)
        #expect(invocation.retry.nonRetryableErrorTypes.contains("InvalidAction"))
    }

    @Test("definition disabled: FinishRun records it as skipped, then the workflow completes as skipped")
    func skipped() throws {
        var events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityCompleted(scheduledEventID: 5, result: Self.prepared(skip: true)),
        ]
        let invocation = try self.invocation(self.workflow.decide(Self.history(events)))
        #expect(invocation.activityType == "FinishRun")
        let finish = try RunJSON.decode(FinishInput.self, from: invocation.input)
        #expect(finish.status == .skipped)
        events += [
            .activityScheduled(eventID: 11, activityID: "FinishRun", activityType: "FinishRun"),
            .activityCompleted(scheduledEventID: 11, result: Data("{}".utf8)),
        ]
        let commands = self.workflow.decide(Self.history(events))
        guard case .completeWorkflow(let result)? = commands.first, commands.count == 1 else {
            Issue.record("expected completion, got \(commands)")
            return
        }
        #expect(try JSONValue.parse(result)["status"] == .string("skipped"))
    }

    @Test("action completed: record succeeded, then complete")
    func completed() throws {
        var events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityCompleted(scheduledEventID: 5, result: Self.prepared()),
            .activityScheduled(eventID: 11, activityID: "ExecuteAction", activityType: "ExecuteAction"),
            .activityCompleted(scheduledEventID: 11, result: Data(#"{"status":200}"#.utf8)),
        ]
        let finish = try self.invocation(self.workflow.decide(Self.history(events)))
        #expect(finish.activityType == "FinishRun")
        let input = try RunJSON.decode(FinishInput.self, from: finish.input)
        #expect(input.status == .succeeded)
        #expect(input.error == nil)

        events += [
            .activityScheduled(eventID: 17, activityID: "FinishRun", activityType: "FinishRun"),
            .activityCompleted(scheduledEventID: 17, result: Data("{}".utf8)),
        ]
        let commands = self.workflow.decide(Self.history(events))
        guard case .completeWorkflow(let result)? = commands.first else {
            Issue.record("expected completion, got \(commands)")
            return
        }
        let value = try JSONValue.parse(result)
        #expect(value["status"] == .string("succeeded"))
        #expect(value["result"]?["status"] == .integer(200))
    }

    @Test("action failed after its retries: record failed, then fail the workflow")
    func failed() throws {
        var events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityCompleted(scheduledEventID: 5, result: Self.prepared()),
            .activityScheduled(eventID: 11, activityID: "ExecuteAction", activityType: "ExecuteAction"),
            .activityFailed(scheduledEventID: 11, message: "POST http://x answered 500", type: "ActionFailed"),
        ]
        let finish = try self.invocation(self.workflow.decide(Self.history(events)))
        let input = try RunJSON.decode(FinishInput.self, from: finish.input)
        #expect(input.status == .failed)
        #expect(input.error == "POST http://x answered 500")
        events += [
            .activityScheduled(eventID: 17, activityID: "FinishRun", activityType: "FinishRun"),
            .activityCompleted(scheduledEventID: 17, result: nil),
        ]
        #expect(
            self.workflow.decide(Self.history(events)) == [
                .failWorkflow(message: "POST http://x answered 500", type: "ActionFailed")
            ])
    }

    @Test("a timed-out action is a failure too")
    func timedOut() throws {
        let events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityCompleted(scheduledEventID: 5, result: Self.prepared()),
            .activityScheduled(eventID: 11, activityID: "ExecuteAction", activityType: "ExecuteAction"),
            .activityTimedOut(scheduledEventID: 11, message: "activity StartToClose timeout"),
        ]
        let input = try RunJSON.decode(
            FinishInput.self, from: try self.invocation(self.workflow.decide(Self.history(events))).input)
        #expect(input.status == .failed)
    }

    static let prepareDone: [WorkflowEvent] = [
        .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
        .activityCompleted(scheduledEventID: 5, result: Self.prepared()),
    ]
    static let actionRunning: [WorkflowEvent] =
        Self.prepareDone + [.activityScheduled(eventID: 11, activityID: "ExecuteAction", activityType: "ExecuteAction")]

    /// The FinishRun a decision schedules, or nil.
    func finishInput(_ commands: [WorkflowCommand]) throws -> FinishInput? {
        let invocation = try self.invocation(commands)
        guard invocation.activityType == "FinishRun" else { return nil }
        return try RunJSON.decode(FinishInput.self, from: invocation.input)
    }

    @Test("cancel while the action runs: ask the server to cancel it, once")
    func cancelRunningAction() throws {
        let requested = Self.actionRunning + [.cancelRequested]
        #expect(self.workflow.decide(Self.history(requested)) == [.requestCancelActivity(scheduledEventID: 11)])
        // The request is recorded: nothing more until the action ends.
        #expect(self.workflow.decide(Self.history(requested + [.activityCancelRequested(scheduledEventID: 11)])) == [])
    }

    @Test("the action ended cancelled: record cancelled, then end the workflow CANCELED")
    func cancelledAction() throws {
        var events =
            Self.actionRunning + [
                .cancelRequested, .activityCancelRequested(scheduledEventID: 11),
                .activityCanceled(scheduledEventID: 11),
            ]
        let finish = try #require(try self.finishInput(self.workflow.decide(Self.history(events))))
        #expect(finish.status == .cancelled)
        #expect(finish.error == "cancelled while the action ran")
        events += [
            .activityScheduled(eventID: 20, activityID: "FinishRun", activityType: "FinishRun"),
            .activityCompleted(scheduledEventID: 20, result: nil),
        ]
        #expect(self.workflow.decide(Self.history(events)) == [.cancelWorkflow])
    }

    @Test("asked to cancel, an action that timed out (its worker never answered) is recorded cancelled")
    func cancelThenTimeout() throws {
        let events =
            Self.actionRunning + [
                .cancelRequested, .activityCancelRequested(scheduledEventID: 11),
                .activityTimedOut(scheduledEventID: 11, message: "activity StartToClose timeout"),
            ]
        #expect(try self.finishInput(self.workflow.decide(Self.history(events)))?.status == .cancelled)
        // Without the request, a time-out is a failure as before.
        let plain = Self.actionRunning + [.activityTimedOut(scheduledEventID: 11, message: "timeout")]
        #expect(try self.finishInput(self.workflow.decide(Self.history(plain)))?.status == .failed)
    }

    @Test("cancel before the action was scheduled: it never starts; the run is recorded cancelled")
    func cancelBeforeAction() throws {
        let finish = try #require(
            try self.finishInput(self.workflow.decide(Self.history(Self.prepareDone + [.cancelRequested]))))
        #expect(finish.status == .cancelled)
        #expect(finish.error == "cancelled before the action started")
        // While PrepareRun runs, the cancel waits for it (it records the run).
        let preparing: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"), .cancelRequested,
        ]
        #expect(self.workflow.decide(Self.history(preparing)) == [])
        // Before anything ran, nothing was recorded: the workflow ends at once.
        #expect(self.workflow.decide(Self.history([.cancelRequested])) == [.cancelWorkflow])
    }

    @Test("an action that completed or failed before the cancel keeps its outcome")
    func cancelTooLate() throws {
        let completed =
            Self.actionRunning + [
                .activityCompleted(scheduledEventID: 11, result: Data("{}".utf8)), .cancelRequested,
            ]
        #expect(try self.finishInput(self.workflow.decide(Self.history(completed)))?.status == .succeeded)
        let failed =
            Self.actionRunning + [
                .cancelRequested, .activityCancelRequested(scheduledEventID: 11),
                .activityFailed(scheduledEventID: 11, message: "answered 500", type: "ActionFailed"),
            ]
        #expect(try self.finishInput(self.workflow.decide(Self.history(failed)))?.status == .failed)
        // The skip path is not cancelled either: the run was decided before.
        let skipped: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityCompleted(scheduledEventID: 5, result: Self.prepared(skip: true)), .cancelRequested,
        ]
        #expect(try self.finishInput(self.workflow.decide(Self.history(skipped)))?.status == .skipped)
    }

    @Test("definition missing: PrepareRun fails non-retryably; FinishRun records the failure, then the workflow fails")
    func missingDefinition() throws {
        var events: [WorkflowEvent] = [
            .activityScheduled(eventID: 5, activityID: "PrepareRun", activityType: "PrepareRun"),
            .activityFailed(scheduledEventID: 5, message: "no definition digest is stored", type: "DefinitionNotFound"),
        ]
        let finish = try RunJSON.decode(
            FinishInput.self, from: try self.invocation(self.workflow.decide(Self.history(events))).input)
        #expect(finish.status == .failed)
        #expect(finish.error == "no definition digest is stored")
        events += [
            .activityScheduled(eventID: 11, activityID: "FinishRun", activityType: "FinishRun"),
            .activityCompleted(scheduledEventID: 11, result: Data("{}".utf8)),
        ]
        #expect(
            self.workflow.decide(Self.history(events)) == [
                .failWorkflow(message: "no definition digest is stored", type: "DefinitionNotFound")
            ])
    }

    @Test("bad input fails the workflow at once")
    func badInput() {
        let commands = self.workflow.decide(Self.history([], input: "[1,2]"))
        guard case .failWorkflow(_, let type)? = commands.first else {
            Issue.record("expected failure, got \(commands)")
            return
        }
        #expect(type == "InvalidInput")
    }
}
