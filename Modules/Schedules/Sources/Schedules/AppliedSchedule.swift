/// What this service last applied to one schedule: the spec hash (Temporal never returns the
/// cron text) and the paused state it last wrote or saw described, `nil` when not known
/// (a row from before the state was kept).
public struct AppliedSchedule: Sendable, Hashable {
    public var specHash: String
    public var paused: Bool?
    /// The scheduler's form of the spec after the last write (`ScheduleSummary.observedSpec`),
    /// nil until known.
    public var observedSpec: String?

    public init(specHash: String, paused: Bool?, observedSpec: String? = nil) {
        self.specHash = specHash
        self.paused = paused
        self.observedSpec = observedSpec
    }
}
