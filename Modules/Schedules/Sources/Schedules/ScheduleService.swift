/// The seam to the scheduler. The Temporal implementation talks to WorkflowService; the
/// in-memory one backs unit tests.
public protocol ScheduleService: Sendable {
    /// Every schedule whose ID starts with `prefix`.
    func listSchedules(prefix: String) async throws -> [ScheduleSummary]

    /// The schedule's current state, or nil when there is none.
    func describeSchedule(id: String) async throws -> ScheduleSummary?

    /// What an operator's listing shows of the schedule (next and last run, missed fires), or
    /// nil when there is none.
    func scheduleState(id: String) async throws -> ScheduleState?

    /// Creates the schedule (paused with `notes` when `schedule.paused`) and returns the
    /// spec's observed form as created (nil when not known). Throws `alreadyExists` when a
    /// schedule with that ID exists.
    @discardableResult
    func createSchedule(_ schedule: DesiredSchedule, notes: String) async throws -> String?

    /// Replaces spec, action and policies, and sets the pause state and notes; the memo is
    /// left as it is. Returns what the update tells of the spec's form, after it or before it.
    /// Throws `notFound` when there is no such schedule.
    @discardableResult
    func updateSchedule(_ schedule: DesiredSchedule, paused: Bool, notes: String) async throws -> UpdatedSpec

    func pauseSchedule(id: String, notes: String) async throws
    func unpauseSchedule(id: String, notes: String) async throws

    /// Deletes the schedule and returns true; a schedule already gone is not an error and
    /// returns false (the list can still show a schedule that was just deleted).
    @discardableResult
    func deleteSchedule(id: String) async throws -> Bool
}
