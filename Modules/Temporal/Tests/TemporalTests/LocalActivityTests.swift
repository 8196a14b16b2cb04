import Foundation
import Synchronization
import Testing
import Workflows

@testable import Runs
@testable import Temporal

/// Local activities without a server: the marker's round trip through the history, the local
/// retries and the fall-back to an activity task, and one workflow task's answer.
@Suite("Local activities: markers, local retries, fall-back")
struct LocalActivityTests {
    /// An activity that answers from a list of outcomes, one per attempt (the last repeats).
    final class Scripted: TemporalActivity {
        let name = "PrepareRun"
        let outcomes: [Result<Data, ActivityError>]
        let hang: Duration?
        let attempts = Mutex(0)

        init(outcomes: [Result<Data, ActivityError>], hang: Duration? = nil) {
            self.outcomes = outcomes
            self.hang = hang
        }

        func run(input: Data, context: ActivityContext) async throws -> Data {
            let attempt = self.attempts.withLock {
                $0 += 1
                return $0
            }
            #expect(context.attempt == attempt)
            if let hang { try await Task.sleep(for: hang) }
            return try self.outcomes[min(attempt, self.outcomes.count) - 1].get()
        }
    }

    static func invocation(maxAttempts: Int = 5, initial: Double = 0.01, nonRetryable: [String] = [])
        -> ActivityInvocation
    {
        ActivityInvocation(
            activityID: "PrepareRun", activityType: "PrepareRun", input: Data("{}".utf8), taskQueue: "tq-bookkeeping",
            startToCloseSeconds: 20,
            retry: ActivityRetry(
                maxAttempts: maxAttempts, initialIntervalSeconds: initial, backoff: 2, maxIntervalSeconds: 60,
                nonRetryableErrorTypes: nonRetryable))
    }

    /// Budgets are generous where the test expects an activity to end: a loaded machine (the
    /// whole suite at once on two cores) stretches every step.
    func run(
        _ activity: Scripted, _ invocation: ActivityInvocation = Self.invocation(), budget: Duration = .seconds(60)
    )
        async -> LocalActivityRunner.Ending
    {
        await LocalActivityRunner(cut: nil).run(
            activity, invocation: invocation, workflowID: "wf", runID: "run",
            deadline: ContinuousClock.now.advanced(by: budget))
    }

    @Test("a marker read back from the history is the marker that was recorded")
    func markerRoundTrip() throws {
        for outcome: ActivityOutcome in [
            .completed(Data(#"{"skip":false}"#.utf8)), .completed(nil),
            .failed(message: "no definition x is stored", type: "DefinitionNotFound"),
        ] {
            let marker = LocalActivityMarker(
                activityID: "PrepareRun", activityType: "PrepareRun", attempts: 3, outcome: outcome)
            let command = marker.command
            #expect(command.commandType == .recordMarker)
            var recorded = Temporal_Api_History_V1_MarkerRecordedEventAttributes()
            recorded.markerName = command.recordMarkerCommandAttributes.markerName
            recorded.details = command.recordMarkerCommandAttributes.details
            if command.recordMarkerCommandAttributes.hasFailure {
                recorded.failure = command.recordMarkerCommandAttributes.failure
            }
            #expect(LocalActivityMarker(recorded) == marker)
            var event = Temporal_Api_History_V1_HistoryEvent()
            event.eventID = 5
            event.markerRecordedEventAttributes = recorded
            let history = WorkflowHistory(
                execution: Temporal_Api_Common_V1_WorkflowExecution(), workflowType: "w", events: [event])
            #expect(
                history.activityState("PrepareRun")
                    == ActivityState(scheduledEventID: 5, outcome: outcome, isLocal: true))
        }
        var other = Temporal_Api_History_V1_MarkerRecordedEventAttributes()
        other.markerName = "Version"
        #expect(LocalActivityMarker(other) == nil)
    }

    @Test("the first attempt's result is recorded")
    func completes() async {
        let activity = Scripted(outcomes: [.success(Data("1".utf8))])
        let ending = await self.run(activity)
        #expect(
            ending
                == .resolved(
                    .init(
                        activityID: "PrepareRun", activityType: "PrepareRun", attempts: 1,
                        outcome: .completed(Data("1".utf8)))))
    }

    @Test("retryable failures are retried locally with the policy's backoff")
    func retries() async {
        let failure = ActivityError("database unreachable")
        let activity = Scripted(outcomes: [.failure(failure), .failure(failure), .success(Data("2".utf8))])
        let started = ContinuousClock.now
        let ending = await self.run(activity)
        #expect(
            ending
                == .resolved(
                    .init(
                        activityID: "PrepareRun", activityType: "PrepareRun", attempts: 3,
                        outcome: .completed(Data("2".utf8)))))
        // 10 ms, then 20 ms between the attempts.
        #expect(started.duration(to: .now) >= .milliseconds(30))
    }

    @Test("a non-retryable failure, or the last attempt's, is recorded as the outcome")
    func failsForGood() async {
        let typed = Scripted(outcomes: [.failure(ActivityError("gone", type: "DefinitionNotFound"))])
        #expect(
            await self.run(typed, Self.invocation(nonRetryable: ["DefinitionNotFound"]))
                == .resolved(
                    .init(
                        activityID: "PrepareRun", activityType: "PrepareRun", attempts: 1,
                        outcome: .failed(message: "gone", type: "DefinitionNotFound"))))
        let flagged = Scripted(outcomes: [
            .failure(ActivityError("bad input", type: "InvalidInput", nonRetryable: true))
        ])
        #expect(
            await self.run(flagged)
                == .resolved(
                    .init(
                        activityID: "PrepareRun", activityType: "PrepareRun", attempts: 1,
                        outcome: .failed(message: "bad input", type: "InvalidInput"))))
        let exhausted = Scripted(outcomes: [.failure(ActivityError("down"))])
        #expect(
            await self.run(exhausted, Self.invocation(maxAttempts: 2))
                == .resolved(
                    .init(
                        activityID: "PrepareRun", activityType: "PrepareRun", attempts: 2,
                        outcome: .failed(message: "down", type: "ActivityError"))))
    }

    @Test("an activity that keeps failing falls back once no retry fits the budget")
    func keepsFailing() async {
        let activity = Scripted(outcomes: [.failure(ActivityError("database unreachable"))])
        // The retry would wait 30 s; the budget is 20 s: no second attempt, and no wait.
        let started = ContinuousClock.now
        let ending = await self.run(activity, Self.invocation(maxAttempts: 0, initial: 30), budget: .seconds(20))
        guard case .fallBack(let reason) = ending else {
            Issue.record("expected a fall-back, got \(ending)")
            return
        }
        #expect(reason.contains("database unreachable"))
        #expect(activity.attempts.withLock { $0 } == 1)
        #expect(started.duration(to: .now) < .seconds(15))
    }

    @Test("an attempt still running when the budget runs out falls back at once")
    func hangs() async {
        let activity = Scripted(outcomes: [.success(Data())], hang: .seconds(30))
        let started = ContinuousClock.now
        let ending = await self.run(activity, budget: .milliseconds(200))
        guard case .fallBack = ending else {
            Issue.record("expected a fall-back, got \(ending)")
            return
        }
        // Not the 30 s the activity would take.
        #expect(started.duration(to: .now) < .seconds(20))
    }

    static func history(_ events: [WorkflowEvent] = []) -> WorkflowHistory {
        WorkflowHistory(
            workflowID: "activity-digest:manual:1", runID: "run-1", workflowType: RunActivityWorkflow.name,
            input: Data(#"{"activity_id":"digest","trigger":"manual"}"#.utf8), events: events)
    }

    static let prepared = RunJSON.encode(
        PreparedRun(
            skip: false, reason: nil, activityID: "digest", workflowID: "activity-digest:manual:1", runID: "run-1",
            document: .object([:]), action: nil))

    @Test("one workflow task answers with PrepareRun's marker and the action's activity")
    func oneTask() async {
        let asked = Mutex<[String]>([])
        let answers = await WorkflowTaskDecision.answers(
            workflow: RunActivityWorkflow(taskQueue: "tq"), history: Self.history()
        ) { invocation in
            asked.withLock { $0.append(invocation.activityType) }
            return .resolved(
                .init(
                    activityID: invocation.activityID, activityType: invocation.activityType, attempts: 1,
                    outcome: .completed(Self.prepared)))
        }
        #expect(asked.withLock { $0 } == ["PrepareRun"])
        guard answers.count == 2, case .marker(let marker) = answers[0],
            case .command(.scheduleActivity(let action)) = answers[1]
        else {
            Issue.record("expected a marker and the action, got \(answers)")
            return
        }
        #expect(marker.activityID == "PrepareRun")
        #expect(action.activityType == "ExecuteAction")
        #expect(action.taskQueue == "tq")
    }

    @Test("a local activity that falls back is scheduled on the bookkeeping queue as an activity")
    func fallsBack() async {
        let answers = await WorkflowTaskDecision.answers(
            workflow: RunActivityWorkflow(taskQueue: "tq"), history: Self.history()
        ) { _ in .fallBack(reason: "budget") }
        guard answers.count == 1, case .command(.scheduleActivity(let prepare)) = answers[0] else {
            Issue.record("expected PrepareRun as an activity, got \(answers)")
            return
        }
        #expect(prepare.activityType == "PrepareRun")
        #expect(prepare.taskQueue == RunContract.bookkeepingTaskQueue("tq"))
        // Its proto is a plain ScheduleActivityTask.
        #expect(WorkflowCommand.runLocalActivity(prepare).proto.commandType == .scheduleActivityTask)
    }
}
