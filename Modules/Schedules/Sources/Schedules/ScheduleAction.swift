/// One step of a schedule sync; exactly one per owned schedule (CONTRACT section 4).
public enum ScheduleAction: Sendable, Hashable {
    /// Create the schedule, paused with `notes` when the definition is disabled.
    case create(DesiredSchedule, notes: String)
    /// Replace spec and action (describe, then update), setting the pause state and notes
    /// given.
    case update(DesiredSchedule, paused: Bool, notes: String)
    /// Like `update`, for a schedule changed in the scheduler behind activity-core's back
    /// (`fields`: what differed).
    case correct(DesiredSchedule, paused: Bool, notes: String, fields: [String])
    case unchanged(scheduleID: String)
    case pause(scheduleID: String, notes: String)
    case unpause(scheduleID: String, notes: String)
    case delete(scheduleID: String)

    public var scheduleID: String {
        switch self {
        case .create(let schedule, _), .update(let schedule, _, _), .correct(let schedule, _, _, _):
            schedule.scheduleID
        case .unchanged(let id), .pause(let id, _), .unpause(let id, _), .delete(let id): id
        }
    }

    /// The contract's name of the action (`create`, `update`, ...).
    public var name: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .correct: "correct"
        case .unchanged: "unchanged"
        case .pause: "pause"
        case .unpause: "unpause"
        case .delete: "delete"
        }
    }

    /// For a `correct`: the fields that had drifted.
    public var driftFields: [String]? {
        if case .correct(_, _, _, let fields) = self { return fields }
        return nil
    }

    /// True for every action that writes to Temporal.
    public var isWrite: Bool {
        if case .unchanged = self { return false }
        return true
    }

    /// Whether the schedule ends up paused, for create and update entries.
    public var leavesPaused: Bool? {
        switch self {
        case .create(let schedule, _): schedule.paused
        case .update(_, let paused, _), .correct(_, let paused, _, _): paused
        default: nil
        }
    }
}
