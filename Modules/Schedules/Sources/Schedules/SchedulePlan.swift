/// What a schedule sync will do: desired schedules, what Temporal lists and the hashes last
/// applied in, one action per owned schedule and warnings out. Pure, so that the whole
/// outcome table of CONTRACT section 4 is a table-driven unit test.
public struct SchedulePlan: Sendable, Hashable {
    public var actions: [ScheduleAction]
    public var warnings: [ScheduleWarning]
    /// Set when every owned schedule would have been deleted or paused and the guard did not
    /// allow it: those actions became `unchanged`, and this says what was refused.
    public var emptyRefusal: String?

    /// `desiredHashes`: the projections' `specHash`es when the caller has them already (each
    /// is a JSON encoding and a SHA-256); computed here otherwise.
    /// `unknown`: schedules whose state could not be read this run; they get no action.
    /// `drift`: owned schedules changed behind activity-core's back, with the fields that
    /// differ; `driftPolicy` says whether they are updated back (`correct`) or left (a warning).
    public init(
        desired: [String: DesiredSchedule],
        actual: [ScheduleSummary],
        appliedHashes: [String: String],
        desiredHashes: [String: String] = [:],
        prefix: String,
        orphanPolicy: OrphanPolicy,
        guard orphanGuard: OrphanGuard = .none,
        unknown: Set<String> = [],
        drift: [String: [String]] = [:],
        driftPolicy: DriftPolicy = .correct
    ) {
        var actions: [ScheduleAction] = []
        var warnings: [ScheduleWarning] = []
        let owned = Dictionary(
            actual.filter { $0.scheduleID.hasPrefix(prefix) }.map { ($0.scheduleID, $0) },
            uniquingKeysWith: { first, _ in first }
        )

        for id in desired.keys.sorted() where !unknown.contains(id) {
            guard let schedule = desired[id] else { continue }
            guard let current = owned[id] else {
                actions.append(.create(schedule, notes: schedule.paused ? ScheduleNotes.definitionDisabled : ""))
                continue
            }
            var changed = appliedHashes[id] != (desiredHashes[id] ?? schedule.specHash)
            // Drift of a schedule whose projection changed is overwritten by the update anyway.
            let drifted = changed ? nil : drift[id]
            if let fields = drifted {
                switch driftPolicy {
                case .correct: changed = true
                case .report:
                    warnings.append(
                        ScheduleWarning(
                            scheduleID: id,
                            message:
                                "changed in Temporal behind activity-core's back (\(fields.joined(separator: ", "))); left as it is (ACTIVITY_DRIFT=report)"
                        ))
                }
            }
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
            // A correction is the update of a drifted schedule: named so in the report.
            if driftPolicy == .correct, let fields = drifted, let last = actions.last,
                case .update(let schedule, let paused, let notes) = last
            {
                actions[actions.count - 1] = .correct(schedule, paused: paused, notes: notes, fields: fields)
            }
        }

        var removals: [ScheduleAction] = []
        var held = 0
        for id in owned.keys.sorted() where desired[id] == nil && !unknown.contains(id) {
            guard let current = owned[id] else { continue }
            let activityID = current.memo["activity-id"] ?? String(id.dropFirst(prefix.count))
            if orphanGuard.protectedActivityIDs.contains(activityID) {
                warnings.append(
                    ScheduleWarning(
                        scheduleID: id, message: "kept: the stored definition \(activityID) cannot be read"))
                actions.append(.unchanged(scheduleID: id))
                continue
            }
            let removal: ScheduleAction =
                switch orphanPolicy {
                case .delete: .delete(scheduleID: id)
                case .pause:
                    current.paused ? .unchanged(scheduleID: id) : .pause(scheduleID: id, notes: ScheduleNotes.orphaned)
                }
            guard removal.isWrite else {
                actions.append(removal)
                continue
            }
            if orphanGuard.holdReason != nil {
                held += 1
                actions.append(.unchanged(scheduleID: id))
            } else {
                removals.append(removal)
            }
        }
        if let reason = orphanGuard.holdReason, held > 0 {
            warnings.append(
                ScheduleWarning(
                    scheduleID: "",
                    message:
                        "\(held) orphan schedule(s) kept, not \(orphanPolicy == .delete ? "deleted" : "paused"): \(reason)"
                ))
        }
        // Every owned schedule would go, and nothing stands behind any: the sync that empties
        // the scheduler is refused unless asked for.
        var emptyRefusal: String?
        if !orphanGuard.allowEmpty, !removals.isEmpty, desired.isEmpty {
            emptyRefusal =
                "refusing to \(orphanPolicy == .delete ? "delete" : "pause") all \(removals.count) owned schedule(s): no live cron definition stands behind any of them; nothing was \(orphanPolicy == .delete ? "deleted" : "paused") (pass allow_empty=true or --allow-empty if this is intended)"
            actions += removals.map { .unchanged(scheduleID: $0.scheduleID) }
        } else {
            actions += removals
        }
        self.actions = actions
        self.warnings = warnings
        self.emptyRefusal = emptyRefusal
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

    public var description: String { self.scheduleID.isEmpty ? self.message : "\(self.scheduleID): \(self.message)" }
}
