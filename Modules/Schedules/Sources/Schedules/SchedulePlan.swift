/// What a schedule sync will do: desired schedules, what Temporal lists and the hashes last
/// applied in, one action per owned schedule and warnings out. Pure, so that the whole
/// outcome table of CONTRACT section 4 is a table-driven unit test.
public struct SchedulePlan: Sendable, Hashable {
    public var actions: [ScheduleAction]
    public var warnings: [ScheduleWarning]

    public init(
        desired: [String: DesiredSchedule],
        actual: [ScheduleSummary],
        appliedHashes: [String: String],
        prefix: String,
        orphanPolicy: OrphanPolicy
    ) {
        var actions: [ScheduleAction] = []
        var warnings: [ScheduleWarning] = []
        let owned = Dictionary(
            actual.filter { $0.scheduleID.hasPrefix(prefix) }.map { ($0.scheduleID, $0) },
            uniquingKeysWith: { first, _ in first }
        )

        for id in desired.keys.sorted() {
            guard let schedule = desired[id] else { continue }
            guard let current = owned[id] else {
                actions.append(.create(schedule, notes: schedule.paused ? ScheduleNotes.definitionDisabled : ""))
                continue
            }
            let changed = appliedHashes[id] != schedule.specHash
            switch (schedule.paused, current.paused) {
            case (true, true):
                // Already paused (by us or by hand): keep whoever's note.
                actions.append(
                    changed ? .update(schedule, paused: true, notes: current.notes) : .unchanged(scheduleID: id))
            case (true, false):
                actions.append(
                    changed
                        ? .update(schedule, paused: true, notes: ScheduleNotes.definitionDisabled)
                        : .pause(scheduleID: id, notes: ScheduleNotes.definitionDisabled)
                )
            case (false, true) where ScheduleNotes.isOurs(current.notes):
                actions.append(
                    changed
                        ? .update(schedule, paused: false, notes: ScheduleNotes.unpaused)
                        : .unpause(scheduleID: id, notes: ScheduleNotes.unpaused)
                )
            case (false, true):
                warnings.append(
                    ScheduleWarning(
                        scheduleID: id,
                        message: "paused by someone else (note: \"\(current.notes)\"); left paused"
                    )
                )
                actions.append(
                    changed ? .update(schedule, paused: true, notes: current.notes) : .unchanged(scheduleID: id))
            case (false, false):
                actions.append(
                    changed ? .update(schedule, paused: false, notes: current.notes) : .unchanged(scheduleID: id))
            }
        }

        for id in owned.keys.sorted() where desired[id] == nil {
            guard let current = owned[id] else { continue }
            switch orphanPolicy {
            case .delete:
                actions.append(.delete(scheduleID: id))
            case .pause:
                actions.append(
                    current.paused ? .unchanged(scheduleID: id) : .pause(scheduleID: id, notes: ScheduleNotes.orphaned))
            }
        }
        self.actions = actions
        self.warnings = warnings
    }

    /// The actions that write to Temporal.
    public var writes: [ScheduleAction] { self.actions.filter(\.isWrite) }
}

/// Something a sync left alone on purpose and an operator should know about.
public struct ScheduleWarning: Sendable, Hashable {
    public var scheduleID: String
    public var message: String

    public init(scheduleID: String, message: String) {
        self.scheduleID = scheduleID
        self.message = message
    }

    public var description: String { "\(self.scheduleID): \(self.message)" }
}
