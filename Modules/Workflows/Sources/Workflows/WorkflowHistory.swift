import Foundation

/// What a workflow decides from: the run's identity, its input and the events so far.
/// A value type, so that a workflow's decision function is tested without a server.
public struct WorkflowHistory: Sendable, Hashable {
    public var workflowID: String
    public var runID: String
    public var workflowType: String
    /// The JSON of the first input payload, if any.
    public var input: Data?
    /// When a schedule started the run, the time it was scheduled for.
    public var scheduledTime: Date?
    public var events: [WorkflowEvent]

    public init(
        workflowID: String,
        runID: String,
        workflowType: String,
        input: Data? = nil,
        scheduledTime: Date? = nil,
        events: [WorkflowEvent] = []
    ) {
        self.workflowID = workflowID
        self.runID = runID
        self.workflowType = workflowType
        self.input = input
        self.scheduledTime = scheduledTime
        self.events = events
    }

    /// True once someone asked to cancel the workflow.
    public var isCancelRequested: Bool { self.events.contains(.cancelRequested) }

    /// The activity scheduled with `activityID`, and how it ended (nil while it runs).
    public func activity(_ activityID: String) -> (scheduled: Bool, outcome: ActivityOutcome?) {
        guard let state = self.activityState(activityID) else { return (false, nil) }
        return (true, state.outcome)
    }

    /// The activity scheduled with `activityID`: its scheduling event, whether the workflow
    /// asked to cancel it, and how it ended (nil while it runs); nil when never scheduled. A
    /// local activity's marker counts as scheduled and ended.
    public func activityState(_ activityID: String) -> ActivityState? {
        for event in self.events {
            if case .localActivityRecorded(let eventID, activityID, let outcome) = event {
                return ActivityState(scheduledEventID: eventID, outcome: outcome, isLocal: true)
            }
        }
        guard
            let scheduledEventID = self.events.lazy.compactMap({ event -> Int64? in
                if case .activityScheduled(let eventID, let id, _) = event, id == activityID { return eventID }
                return nil
            }).first
        else { return nil }
        var state = ActivityState(scheduledEventID: scheduledEventID)
        for event in self.events {
            switch event {
            case .activityCompleted(scheduledEventID, let result): state.outcome = .completed(result)
            case .activityFailed(scheduledEventID, let message, let type):
                state.outcome = .failed(message: message, type: type)
            case .activityTimedOut(scheduledEventID, let message):
                state.outcome = .failed(message: message, type: "Timeout")
            case .activityCanceled(scheduledEventID): state.outcome = .canceled
            case .activityCancelRequested(scheduledEventID): state.cancelRequested = true
            default: continue
            }
            if state.outcome != nil { break }
        }
        return state
    }
}

/// One scheduled activity as the history tells it.
public struct ActivityState: Sendable, Hashable {
    public var scheduledEventID: Int64
    /// The workflow asked the server to cancel it.
    public var cancelRequested = false
    /// Nil while it runs.
    public var outcome: ActivityOutcome?
    /// It ran in the worker (`runLocalActivity`): `scheduledEventID` is its marker's event.
    public var isLocal: Bool

    public init(
        scheduledEventID: Int64, cancelRequested: Bool = false, outcome: ActivityOutcome? = nil, isLocal: Bool = false
    ) {
        self.scheduledEventID = scheduledEventID
        self.cancelRequested = cancelRequested
        self.outcome = outcome
        self.isLocal = isLocal
    }
}

/// How an activity ended, as the workflow sees it (after the server's retries).
public enum ActivityOutcome: Sendable, Hashable {
    case completed(Data?)
    case failed(message: String, type: String)
    /// Cancelled at the workflow's request (`requestCancelActivity`).
    case canceled
}

/// The history events activity-core's workflows react to; others are left out.
public enum WorkflowEvent: Sendable, Hashable {
    case activityScheduled(eventID: Int64, activityID: String, activityType: String)
    case activityCompleted(scheduledEventID: Int64, result: Data?)
    case activityFailed(scheduledEventID: Int64, message: String, type: String)
    case activityTimedOut(scheduledEventID: Int64, message: String)
    case activityCanceled(scheduledEventID: Int64)
    /// The workflow's `requestCancelActivity` was recorded.
    case activityCancelRequested(scheduledEventID: Int64)
    /// Someone asked to cancel the workflow.
    case cancelRequested
    /// A local activity's marker (`runLocalActivity`): how it ended, after its local retries.
    case localActivityRecorded(eventID: Int64, activityID: String, outcome: ActivityOutcome)
}
