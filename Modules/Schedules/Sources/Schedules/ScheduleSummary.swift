/// What a list of schedules says about one schedule: enough to reconcile without a
/// describe per schedule.
public struct ScheduleSummary: Sendable, Hashable {
    public var scheduleID: String
    public var paused: Bool
    public var notes: String
    public var memo: [String: String]

    public init(scheduleID: String, paused: Bool = false, notes: String = "", memo: [String: String] = [:]) {
        self.scheduleID = scheduleID
        self.paused = paused
        self.notes = notes
        self.memo = memo
    }
}
