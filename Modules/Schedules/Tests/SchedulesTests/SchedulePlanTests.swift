import Testing

@testable import Schedules

/// The outcome table of CONTRACT section 4: one action per owned schedule.
@Suite("SchedulePlan")
struct SchedulePlanTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        /// nil = no definition behind the schedule (orphan).
        var enabled: Bool?
        /// nil = Temporal has no such schedule.
        var actual: ScheduleSummary?
        /// Whether the applied hash matches the desired spec.
        var applied: Bool
        var policy: OrphanPolicy = .delete
        var expected: String
        var expectedPaused: Bool? = nil
        var expectedNotes: String? = nil
        var warns = false

        var testDescription: String { self.name }
    }

    static let id = "activity-schedule-x"

    static let rows: [Row] = [
        Row(
            name: "enabled, missing -> create", enabled: true, actual: nil, applied: false, expected: "create",
            expectedPaused: false),
        Row(
            name: "disabled, missing -> created paused", enabled: false, actual: nil, applied: false,
            expected: "create",
            expectedPaused: true, expectedNotes: ScheduleNotes.definitionDisabled
        ),
        Row(
            name: "enabled, same spec -> unchanged", enabled: true, actual: ScheduleSummary(scheduleID: id),
            applied: true, expected: "unchanged"),
        Row(
            name: "enabled, spec differs -> update", enabled: true, actual: ScheduleSummary(scheduleID: id),
            applied: false,
            expected: "update", expectedPaused: false
        ),
        Row(
            name: "disabled, running -> pause", enabled: false, actual: ScheduleSummary(scheduleID: id), applied: true,
            expected: "pause", expectedNotes: ScheduleNotes.definitionDisabled
        ),
        Row(
            name: "disabled, running, spec differs -> one update that pauses", enabled: false,
            actual: ScheduleSummary(scheduleID: id), applied: false, expected: "update", expectedPaused: true,
            expectedNotes: ScheduleNotes.definitionDisabled
        ),
        Row(
            name: "disabled, already paused -> unchanged", enabled: false,
            actual: ScheduleSummary(scheduleID: id, paused: true, notes: ScheduleNotes.definitionDisabled),
            applied: true,
            expected: "unchanged"
        ),
        Row(
            name: "re-enabled, paused by activity-core -> unpause", enabled: true,
            actual: ScheduleSummary(scheduleID: id, paused: true, notes: ScheduleNotes.definitionDisabled),
            applied: true,
            expected: "unpause", expectedNotes: ScheduleNotes.unpaused
        ),
        Row(
            name: "re-enabled and changed -> one update that unpauses", enabled: true,
            actual: ScheduleSummary(scheduleID: id, paused: true, notes: ScheduleNotes.orphaned), applied: false,
            expected: "update", expectedPaused: false
        ),
        Row(
            name: "enabled, paused by hand -> left paused, warned", enabled: true,
            actual: ScheduleSummary(scheduleID: id, paused: true, notes: "maintenance window"), applied: true,
            expected: "unchanged", warns: true
        ),
        Row(
            name: "enabled, paused by hand, changed -> updated and still paused", enabled: true,
            actual: ScheduleSummary(scheduleID: id, paused: true, notes: "maintenance window"), applied: false,
            expected: "update", expectedPaused: true, expectedNotes: "maintenance window", warns: true
        ),
        Row(
            name: "orphan, delete policy -> delete", enabled: nil, actual: ScheduleSummary(scheduleID: id),
            applied: true, expected: "delete"),
        Row(
            name: "orphan, pause policy -> pause", enabled: nil, actual: ScheduleSummary(scheduleID: id), applied: true,
            policy: .pause, expected: "pause", expectedNotes: ScheduleNotes.orphaned
        ),
        Row(
            name: "orphan already paused, pause policy -> unchanged", enabled: nil,
            actual: ScheduleSummary(scheduleID: id, paused: true, notes: ScheduleNotes.orphaned), applied: true,
            policy: .pause,
            expected: "unchanged"
        ),
    ]

    @Test("outcome table", arguments: Self.rows)
    func outcome(row: Row) throws {
        let desiredSchedule = Fixtures.desired("x", enabled: row.enabled ?? true)
        let desired = row.enabled == nil ? [:] : [Self.id: desiredSchedule]
        let plan = SchedulePlan(
            desired: desired,
            actual: row.actual.map { [$0] } ?? [],
            appliedHashes: row.applied ? [Self.id: desiredSchedule.specHash] : [:],
            prefix: "activity-schedule-",
            orphanPolicy: row.policy
        )
        let action = try #require(plan.actions.first)
        #expect(plan.actions.count == 1)
        #expect(action.name == row.expected)
        #expect(action.scheduleID == Self.id)
        if let paused = row.expectedPaused { #expect(action.leavesPaused == paused) }
        if let notes = row.expectedNotes {
            switch action {
            case .create(_, let actual), .update(_, _, let actual), .pause(_, let actual), .unpause(_, let actual):
                #expect(actual == notes)
            default:
                Issue.record("\(action) carries no notes")
            }
        }
        #expect(plan.warnings.isEmpty == !row.warns)
    }

    @Test("schedules without the prefix are never touched")
    func unowned() {
        let plan = SchedulePlan(
            desired: [:],
            actual: [
                ScheduleSummary(scheduleID: "someone-elses-schedule"),
                ScheduleSummary(scheduleID: "activity-schedul-x"),
            ],
            appliedHashes: [:],
            prefix: "activity-schedule-",
            orphanPolicy: .delete
        )
        #expect(plan.actions.isEmpty)
    }

    @Test("a repeat plan after applying everything has no writes")
    func repeatHasNoWrites() {
        let desired = Fixtures.projection.project([Fixtures.definition("a"), Fixtures.definition("b", enabled: false)])
        let actual = [
            ScheduleSummary(scheduleID: "activity-schedule-a"),
            ScheduleSummary(scheduleID: "activity-schedule-b", paused: true, notes: ScheduleNotes.definitionDisabled),
        ]
        let hashes = desired.mapValues(\.specHash)
        let plan = SchedulePlan(
            desired: desired, actual: actual, appliedHashes: hashes, prefix: "activity-schedule-", orphanPolicy: .delete
        )
        #expect(plan.writes.isEmpty)
        #expect(plan.actions.count == 2)
    }
}
