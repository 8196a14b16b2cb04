import Foundation

/// What a scheduler says about one schedule for an operator's listing: paused or not, the
/// next and last run, and how many fires it missed (Temporal's catch-up window count).
public struct ScheduleState: Sendable, Hashable {
    public var paused: Bool
    public var nextRun: Date?
    public var lastRun: Date?
    public var missedCatchupWindow: Int64

    public init(paused: Bool, nextRun: Date? = nil, lastRun: Date? = nil, missedCatchupWindow: Int64 = 0) {
        self.paused = paused
        self.nextRun = nextRun
        self.lastRun = lastRun
        self.missedCatchupWindow = missedCatchupWindow
    }
}
