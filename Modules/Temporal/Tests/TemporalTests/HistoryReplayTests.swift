import Foundation
import Runs
import SwiftProtobuf
import Synchronization
import Testing
import Workflows

@testable import Temporal

/// Runs in flight during an upgrade finish: histories recorded from activity-core 1.0.0 (where
/// `PrepareRun` and `FinishRun` were activity tasks; `Fixtures/histories-1.0.0`, written by
/// `temporal workflow show -o json`) are cut at each of their workflow tasks, and this version
/// answers each cut with the steps 1.0.0 took next: the same activities with the same inputs,
/// the same cancel requests, the same end. A bookkeeping activity now runs locally (here its
/// recorded outcome stands in for it), so its step and the steps 1.0.0 took once it had
/// completed come in one answer.
@Suite("Histories recorded by activity-core 1.0.0 replay to the same steps")
struct HistoryReplayTests {
    /// One thing a workflow task did.
    enum Step: Hashable, CustomStringConvertible {
        case activity(type: String, input: Data)
        case cancelActivity
        case complete(result: Data)
        case fail(message: String, type: String)
        case cancel

        var description: String {
            switch self {
            case .activity(let type, let input): "activity \(type) \(String(decoding: input, as: UTF8.self))"
            case .cancelActivity: "cancel activity"
            case .complete(let result): "complete \(String(decoding: result, as: UTF8.self))"
            case .fail(let message, let type): "fail \(type): \(message)"
            case .cancel: "cancel"
            }
        }

        var isBookkeeping: Bool {
            if case .activity(let type, _) = self { return type != RunActivityWorkflow.execute }
            return false
        }
    }

    static func events(_ name: String) throws -> [Temporal_Api_History_V1_HistoryEvent] {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/histories-1.0.0"))
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return try Temporal_Api_History_V1_History(jsonUTF8Data: Data(contentsOf: url), options: options).events
    }

    /// The steps 1.0.0 answered each workflow task with, by the index of its WorkflowTaskStarted.
    static func recordedSteps(_ events: [Temporal_Api_History_V1_HistoryEvent]) -> [(started: Int, steps: [Step])] {
        var tasks: [(Int, [Step])] = []
        for index in events.indices where events[index].eventType == .workflowTaskCompleted {
            var steps: [Step] = []
            // The events a task's commands wrote follow its WorkflowTaskCompleted.
            commands: for event in events[(index + 1)...] {
                switch event.attributes {
                case .activityTaskScheduledEventAttributes(let scheduled):
                    steps.append(
                        .activity(
                            type: scheduled.activityType.name, input: scheduled.input.payloads.first?.data ?? Data()))
                case .activityTaskCancelRequestedEventAttributes:
                    steps.append(.cancelActivity)
                case .workflowExecutionCompletedEventAttributes(let completed):
                    steps.append(.complete(result: completed.result.payloads.first?.data ?? Data()))
                case .workflowExecutionFailedEventAttributes(let failed):
                    steps.append(
                        .fail(message: failed.failure.message, type: failed.failure.applicationFailureInfo.type))
                case .workflowExecutionCanceledEventAttributes:
                    steps.append(.cancel)
                default:
                    break commands
                }
            }
            tasks.append((index - 1, steps))
        }
        return tasks
    }

    /// How the bookkeeping activity of `type` ended in the recorded history.
    static func recordedOutcome(_ type: String, _ events: [Temporal_Api_History_V1_HistoryEvent]) -> ActivityOutcome? {
        let history = WorkflowHistory(
            execution: Temporal_Api_Common_V1_WorkflowExecution(), workflowType: RunActivityWorkflow.name,
            events: events)
        return history.activityState(type)?.outcome
    }

    @Test(
        "each workflow task of a recorded run gets the answer 1.0.0 gave",
        arguments: ["succeeded", "failed", "skipped", "cancelled"])
    func replay(_ name: String) async throws {
        let events = try Self.events(name)
        let tasks = Self.recordedSteps(events)
        #expect(tasks.count >= 3)
        // The run's identity, as the first activity (PrepareRun) was given it.
        guard
            case .activityTaskScheduledEventAttributes(let prepare)? = events.first(where: {
                $0.eventType == .activityTaskScheduled
            })?.attributes,
            let input = try JSONSerialization.jsonObject(with: prepare.input.payloads.first?.data ?? Data())
                as? [String: Any],
            let workflowID = input["workflow_id"] as? String, let runID = input["run_id"] as? String
        else {
            Issue.record("\(name): no PrepareRun input")
            return
        }
        var execution = Temporal_Api_Common_V1_WorkflowExecution()
        execution.workflowID = workflowID
        execution.runID = runID
        for (position, task) in tasks.enumerated() {
            // 1.0.0's steps from this task on, up to the first that waits on more than a
            // bookkeeping activity.
            var expected = task.steps
            var next = position + 1
            while let last = expected.last, last.isBookkeeping, next < tasks.count {
                expected += tasks[next].steps
                next += 1
            }
            let history = WorkflowHistory(
                execution: execution, workflowType: RunActivityWorkflow.name, events: Array(events[...task.started]))
            let ranLocally = Mutex<[Step]>([])
            let answers = await WorkflowTaskDecision.answers(
                workflow: RunActivityWorkflow(taskQueue: "fixture-tq"), history: history
            ) { invocation in
                ranLocally.withLock { $0.append(.activity(type: invocation.activityType, input: invocation.input)) }
                guard let outcome = Self.recordedOutcome(invocation.activityType, events) else {
                    return .fallBack(reason: "not in the recording")
                }
                return .resolved(
                    LocalActivityMarker(
                        activityID: invocation.activityID, activityType: invocation.activityType, attempts: 1,
                        outcome: outcome))
            }
            let local = ranLocally.withLock { $0 }
            let steps =
                local
                + answers.compactMap { answer -> Step? in
                    switch answer {
                    case .marker: nil
                    case .command(.scheduleActivity(let invocation)), .command(.runLocalActivity(let invocation)):
                        .activity(type: invocation.activityType, input: invocation.input)
                    case .command(.requestCancelActivity): .cancelActivity
                    case .command(.completeWorkflow(let result)): .complete(result: result)
                    case .command(.failWorkflow(let message, let type)): .fail(message: message, type: type)
                    case .command(.cancelWorkflow): .cancel
                    }
                }
            // Each local activity leaves its marker, unless the answer ends the workflow.
            let markers = answers.filter { if case .marker = $0 { true } else { false } }.count
            #expect(markers == (answers.contains(where: \.endsWorkflow) ? 0 : local.count))
            #expect(steps == expected, "\(name), workflow task at event \(task.started + 1)")
        }
    }
}
