/// What a list of schedules says about one schedule: enough to reconcile without a
/// describe per schedule.
public struct ScheduleSummary: Sendable, Hashable {
    public var scheduleID: String
    public var paused: Bool
    public var notes: String
    public var memo: [String: String]
    /// A hash of the spec in the form the scheduler holds it (Temporal: its structured
    /// calendars, not the cron text), the same from a list entry and a describe; nil when the
    /// service cannot tell. A difference from the one recorded at the last write is drift.
    public var observedSpec: String?
    /// Action and policies, from a describe (a list entry has none).
    public var owned: ScheduleOwnedFields?

    public init(
        scheduleID: String, paused: Bool = false, notes: String = "", memo: [String: String] = [:],
        observedSpec: String? = nil, owned: ScheduleOwnedFields? = nil
    ) {
        self.scheduleID = scheduleID
        self.paused = paused
        self.notes = notes
        self.memo = memo
        self.observedSpec = observedSpec
        self.owned = owned
    }
}
