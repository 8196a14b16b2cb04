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

    /// The activity scheduled with `activityID`, and how it ended (nil while it runs).
    public func activity(_ activityID: String) -> (scheduled: Bool, outcome: ActivityOutcome?) {
        guard
            let scheduledEventID = self.events.lazy.compactMap({ event -> Int64? in
                if case .activityScheduled(let eventID, let id, _) = event, id == activityID { return eventID }
                return nil
            }).first
        else { return (false, nil) }
        for event in self.events {
            switch event {
            case .activityCompleted(scheduledEventID, let result): return (true, .completed(result))
            case .activityFailed(scheduledEventID, let message, let type):
                return (true, .failed(message: message, type: type))
            case .activityTimedOut(scheduledEventID, let message):
                return (true, .failed(message: message, type: "Timeout"))
            case .activityCanceled(scheduledEventID):
                return (true, .failed(message: "activity canceled", type: "Canceled"))
            default: continue
            }
        }
        return (true, nil)
    }
}

/// How an activity ended, as the workflow sees it (after the server's retries).
public enum ActivityOutcome: Sendable, Hashable {
    case completed(Data?)
    case failed(message: String, type: String)
}

/// The history events activity-core's workflows react to; others are left out.
public enum WorkflowEvent: Sendable, Hashable {
    case activityScheduled(eventID: Int64, activityID: String, activityType: String)
    case activityCompleted(scheduledEventID: Int64, result: Data?)
    case activityFailed(scheduledEventID: Int64, message: String, type: String)
    case activityTimedOut(scheduledEventID: Int64, message: String)
    case activityCanceled(scheduledEventID: Int64)
    case cancelRequested
}
