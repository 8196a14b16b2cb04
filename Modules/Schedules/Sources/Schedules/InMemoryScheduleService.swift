import Synchronization

/// Schedules in memory, counting every call, for unit tests of the sync.
public final class InMemoryScheduleService: ScheduleService {
    public struct Stored: Sendable, Hashable {
        public var schedule: DesiredSchedule
        public var paused: Bool
        public var notes: String
        public var memo: [String: String]

        /// The spec's "observed form": what a scheduler holds of it (cron, zone, jitter).
        var observedSpec: String {
            "\(self.schedule.cronExpression)|\(self.schedule.timezone)|\(self.schedule.jitterSeconds)"
        }

        func summary(_ id: String, described: Bool = false) -> ScheduleSummary {
            ScheduleSummary(
                scheduleID: id, paused: self.paused, notes: self.notes, memo: self.memo,
                observedSpec: self.observedSpec,
                owned: described
                    ? ScheduleOwnedFields(
                        workflowType: self.schedule.workflowType, workflowID: self.schedule.workflowID,
                        taskQueue: self.schedule.taskQueue, payload: self.schedule.input,
                        overlap: self.schedule.overlap, catchupWindowSeconds: self.schedule.catchupWindowSeconds)
                    : nil)
        }
    }

    private struct State {
        var schedules: [String: Stored] = [:]
        var calls: [String: Int] = [:]
        var hiddenFromList: Set<String> = []
        var frozenInList: [String: Stored] = [:]
        var failing: [String: ScheduleServiceError] = [:]
        var failingDescribes: [String: ScheduleServiceError] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds a schedule as if someone else (or an earlier run) had created it.
    public func seed(
        _ schedule: DesiredSchedule, paused: Bool = false, notes: String = "", memo: [String: String]? = nil
    ) {
        self.state.withLock {
            $0.schedules[schedule.scheduleID] = Stored(
                schedule: schedule, paused: paused, notes: notes, memo: memo ?? schedule.memo)
        }
    }

    /// Makes list miss a schedule, as Temporal's eventually consistent list can.
    public func hideFromList(_ id: String) {
        _ = self.state.withLock { $0.hiddenFromList.insert(id) }
    }

    /// Makes list go on showing `id` as it is now, whatever happens to it later, as
    /// Temporal's eventually consistent list can.
    public func freezeInList(_ id: String) {
        self.state.withLock { $0.frozenInList[id] = $0.schedules[id] }
    }

    /// Changes a stored schedule as an operator would by hand (the Temporal UI, `temporal
    /// schedule update`): nothing activity-core recorded changes.
    public func editByHand(_ id: String, _ change: (inout DesiredSchedule) -> Void) {
        self.state.withLock { state in
            guard var stored = state.schedules[id] else { return }
            change(&stored.schedule)
            state.schedules[id] = stored
        }
    }

    /// Makes every write to `id` fail with `error`.
    public func fail(_ id: String, with error: ScheduleServiceError) {
        self.state.withLock { $0.failing[id] = error }
    }

    /// Makes every describe of `id` fail with `error` (Temporal answering badly for one).
    public func failDescribe(_ id: String, with error: ScheduleServiceError) {
        self.state.withLock { $0.failingDescribes[id] = error }
    }

    public var schedules: [String: Stored] { self.state.withLock { $0.schedules } }
    public var calls: [String: Int] { self.state.withLock { $0.calls } }
    /// Calls that change something: create, update, pause, unpause, delete.
    public var writeCalls: Int {
        self.state.withLock { state in
            ["create", "update", "pause", "unpause", "delete"].reduce(0) { $0 + (state.calls[$1] ?? 0) }
        }
    }

    public func listSchedules(prefix: String) async throws -> [ScheduleSummary] {
        self.state.withLock { state in
            state.calls["list", default: 0] += 1
            return state.schedules.values
                .map { state.frozenInList[$0.schedule.scheduleID] ?? $0 }
                .filter {
                    $0.schedule.scheduleID.hasPrefix(prefix) && !state.hiddenFromList.contains($0.schedule.scheduleID)
                }
                .map { $0.summary($0.schedule.scheduleID) }
                .sorted { $0.scheduleID < $1.scheduleID }
        }
    }

    public func describeSchedule(id: String) async throws -> ScheduleSummary? {
        try self.state.withLock { state in
            state.calls["describe", default: 0] += 1
            if let error = state.failingDescribes[id] { throw error }
            return state.schedules[id].map { $0.summary(id, described: true) }
        }
    }

    public func scheduleState(id: String) async throws -> ScheduleState? {
        try self.state.withLock { state in
            state.calls["describe", default: 0] += 1
            if let error = state.failingDescribes[id] { throw error }
            return state.schedules[id].map { ScheduleState(paused: $0.paused) }
        }
    }

    /// Returns nil, as Temporal's does: the sync learns the form from the next listing.
    @discardableResult
    public func createSchedule(_ schedule: DesiredSchedule, notes: String) async throws -> String? {
        try self.write("create", schedule.scheduleID) { state in
            guard state.schedules[schedule.scheduleID] == nil else {
                throw ScheduleServiceError(.alreadyExists, "schedule \(schedule.scheduleID) already exists")
            }
            state.schedules[schedule.scheduleID] = Stored(
                schedule: schedule, paused: schedule.paused, notes: notes, memo: schedule.memo)
        }
        return nil
    }

    /// Tells the form before the update only, as Temporal's does (its update answers nothing).
    @discardableResult
    public func updateSchedule(_ schedule: DesiredSchedule, paused: Bool, notes: String) async throws -> UpdatedSpec {
        var superseded: String?
        try self.write("update", schedule.scheduleID) { state in
            guard let existing = state.schedules[schedule.scheduleID] else {
                throw ScheduleServiceError(.notFound, "schedule \(schedule.scheduleID) not found")
            }
            superseded = existing.observedSpec
            state.schedules[schedule.scheduleID] = Stored(
                schedule: schedule, paused: paused, notes: notes, memo: existing.memo)
        }
        return UpdatedSpec(superseded: superseded)
    }

    public func pauseSchedule(id: String, notes: String) async throws {
        try self.setPaused("pause", id: id, paused: true, notes: notes)
    }

    public func unpauseSchedule(id: String, notes: String) async throws {
        try self.setPaused("unpause", id: id, paused: false, notes: notes)
    }

    @discardableResult
    public func deleteSchedule(id: String) async throws -> Bool {
        var deleted = false
        try self.write("delete", id) { state in
            deleted = state.schedules.removeValue(forKey: id) != nil
        }
        return deleted
    }

    private func setPaused(_ call: String, id: String, paused: Bool, notes: String) throws {
        try self.write(call, id) { state in
            guard state.schedules[id] != nil else { throw ScheduleServiceError(.notFound, "schedule \(id) not found") }
            state.schedules[id]?.paused = paused
            state.schedules[id]?.notes = notes
        }
    }

    private func write(_ call: String, _ id: String, _ body: (inout State) throws -> Void) throws {
        try self.state.withLock { state in
            state.calls[call, default: 0] += 1
            if let error = state.failing[id] { throw error }
            try body(&state)
        }
    }
}
