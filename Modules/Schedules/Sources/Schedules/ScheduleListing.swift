/// What a schedule sync reads before it plans, besides the definitions (`ScheduleSync.read()`):
/// the owned schedules as listed and the rows of what was last applied, or why either could
/// not be read.
public struct ScheduleListing: Sendable {
    public var listed: Result<[ScheduleSummary], any Error>
    public var applied: Result<[String: AppliedSchedule], any Error>

    public init(listed: Result<[ScheduleSummary], any Error>, applied: Result<[String: AppliedSchedule], any Error>) {
        self.listed = listed
        self.applied = applied
    }

}
