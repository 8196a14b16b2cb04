import Foundation
import Workflows

/// What a workflow task answers with: the workflow's commands, and a marker for each local
/// activity the worker ran for it.
enum WorkflowTaskAnswer: Sendable, Hashable {
    case command(WorkflowCommand)
    case marker(LocalActivityMarker)
}

/// Decides one workflow task: asks the workflow for its commands; when it asks for local
/// activities, runs them (`runLocal`), adds their markers to the history and asks again, so
/// that one task carries the local activities' markers and the commands that follow them (a
/// run's `PrepareRun` marker and the action's `ScheduleActivityTask`).
///
/// A local activity that falls back is answered as a normal activity, with the commands of that
/// round; the next workflow task decides from the history the server then holds. An answer that
/// ends the workflow carries no markers (see `ending`).
enum WorkflowTaskDecision {
    /// Rounds of local activities one task runs at most (a workflow asking for one after
    /// another without end cannot hold the task forever).
    static let maxRounds = 16

    static func answers(
        workflow: any TemporalWorkflow,
        history: WorkflowHistory,
        runLocal: (ActivityInvocation) async -> LocalActivityRunner.Ending
    ) async -> [WorkflowTaskAnswer] {
        var history = history
        var answers: [WorkflowTaskAnswer] = []
        // Markers added here are not in the server's history yet: IDs no event has.
        var nextMarkerID: Int64 = -1
        for _ in 0..<Self.maxRounds {
            let commands = workflow.decide(history)
            guard commands.contains(where: \.isLocalActivity) else {
                return Self.ending(answers, with: commands.map { .command($0) })
            }
            var resolved: [LocalActivityMarker] = []
            var round: [WorkflowTaskAnswer] = []
            for command in commands {
                guard case .runLocalActivity(let invocation) = command else {
                    round.append(.command(command))
                    continue
                }
                switch await runLocal(invocation) {
                case .resolved(let marker):
                    resolved.append(marker)
                    answers.append(.marker(marker))
                case .fallBack:
                    round.append(.command(.scheduleActivity(invocation)))
                }
            }
            if resolved.count < commands.count(where: \.isLocalActivity) {
                return Self.ending(answers, with: round)
            }
            for marker in resolved {
                history.events.append(marker.event(id: nextMarkerID))
                nextMarkerID -= 1
            }
        }
        // Still asking for local activities: those run as normal activities.
        return Self.ending(
            answers,
            with: workflow.decide(history).map {
                if case .runLocalActivity(let invocation) = $0 { return .command(.scheduleActivity(invocation)) }
                return .command($0)
            })
    }

    /// `markers` followed by `commands`; when the commands end the workflow, without the
    /// markers: no later workflow task replays this history, so nothing would read them (a
    /// run's `FinishRun` leaves no marker, its history two events shorter).
    static func ending(_ markers: [WorkflowTaskAnswer], with commands: [WorkflowTaskAnswer]) -> [WorkflowTaskAnswer] {
        commands.contains(where: \.endsWorkflow) ? commands : markers + commands
    }
}

extension WorkflowTaskAnswer {
    var endsWorkflow: Bool {
        switch self {
        case .command(.completeWorkflow), .command(.failWorkflow), .command(.cancelWorkflow): true
        default: false
        }
    }
}

extension WorkflowCommand {
    var isLocalActivity: Bool {
        if case .runLocalActivity = self { return true }
        return false
    }
}
