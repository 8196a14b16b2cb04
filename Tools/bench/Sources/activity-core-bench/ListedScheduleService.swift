import Schedules

/// A scheduler that only lists what it was given: the bench's way to time a repeat sync's own
/// work (projection, hashes, comparison, plan) without the server's list time. Any other call
/// is a failure of the bench (a repeat sync with nothing changed makes none).
struct ListedScheduleService: ScheduleService {
    struct UnexpectedCall: Error, CustomStringConvertible {
        var call: String
        var description: String { "a repeat sync called \(self.call)" }
    }

    let listed: [ScheduleSummary]

    func listSchedules(prefix: String) async throws -> [ScheduleSummary] { self.listed }
    func describeSchedule(id: String) async throws -> ScheduleSummary? { throw UnexpectedCall(call: "describe") }
    func scheduleState(id: String) async throws -> ScheduleState? { throw UnexpectedCall(call: "state") }
    func createSchedule(_ schedule: DesiredSchedule, notes: String) async throws -> String? {
        throw UnexpectedCall(call: "create")
    }
    func updateSchedule(_ schedule: DesiredSchedule, paused: Bool, notes: String) async throws -> UpdatedSpec {
        throw UnexpectedCall(call: "update")
    }
    func pauseSchedule(id: String, notes: String) async throws { throw UnexpectedCall(call: "pause") }
    func unpauseSchedule(id: String, notes: String) async throws { throw UnexpectedCall(call: "unpause") }
    func deleteSchedule(id: String) async throws -> Bool { throw UnexpectedCall(call: "delete") }
}
