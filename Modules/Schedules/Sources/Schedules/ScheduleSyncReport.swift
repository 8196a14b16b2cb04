/// The outcome of a schedule sync: the contract's counts, one change per write and the
/// errors of the schedules that failed.
public struct ScheduleSyncReport: Sendable, Hashable {
    public struct Change: Sendable, Hashable {
        public var scheduleID: String
        public var action: String
        /// Set on create and update entries: whether the schedule is left paused.
        public var paused: Bool?
        /// Set on `correct` entries: the fields that had drifted.
        public var fields: [String]?
    }

    public struct Failure: Sendable, Hashable {
        public var scheduleID: String
        public var message: String
    }

    public var dryRun: Bool
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var paused = 0
    public var unpaused = 0
    public var deletedOrphans = 0
    /// Owned schedules found changed behind activity-core's back, and how many were updated
    /// back (`ACTIVITY_DRIFT=correct`).
    public var drifted = 0
    public var corrected = 0
    /// The drifted fields by schedule ID, corrected or not.
    public var drift: [String: [String]] = [:]
    public var changes: [Change] = []
    /// Schedules that needed no write, in ID order.
    public var unchangedIDs: [String] = []
    public var errors: [Failure] = []
    public var warnings: [ScheduleWarning] = []
    /// Set when deleting or pausing every owned schedule was refused (`allow_empty`).
    public var emptyRefusal: String?

    public init(dryRun: Bool) {
        self.dryRun = dryRun
    }

    /// Schedules written with their projection: created, updated and corrected.
    public var upserted: Int { self.created + self.updated + self.corrected }

    /// Counts one action that was carried out (or, in a dry run, planned).
    mutating func count(_ action: ScheduleAction) {
        switch action {
        case .create: self.created += 1
        case .update: self.updated += 1
        case .correct: self.corrected += 1
        case .unchanged(let id):
            self.unchanged += 1
            self.unchangedIDs.append(id)
        case .pause: self.paused += 1
        case .unpause: self.unpaused += 1
        case .delete: self.deletedOrphans += 1
        }
        if action.isWrite {
            self.changes.append(
                Change(
                    scheduleID: action.scheduleID, action: action.name, paused: action.leavesPaused,
                    fields: action.driftFields))
        }
    }
}
