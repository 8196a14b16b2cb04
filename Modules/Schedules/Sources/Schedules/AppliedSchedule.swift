/// What this service last applied to one schedule: the spec hash (Temporal never returns the
/// cron text) and the paused state it last wrote or saw described, `nil` when not known
/// (a row from before the state was kept).
public struct AppliedSchedule: Sendable, Hashable {
    public var specHash: String
    public var paused: Bool?
    /// The scheduler's form of the spec after the last write (`ScheduleSummary.observedSpec`),
    /// nil until known.
    public var observedSpec: String?
    /// The fields found drifted by the last sync or refresh and left as they are
    /// (`ACTIVITY_DRIFT=report`); empty when none.
    public var drift: [String]

    public init(specHash: String, paused: Bool?, observedSpec: String? = nil, drift: [String] = []) {
        self.specHash = specHash
        self.paused = paused
        self.observedSpec = observedSpec
        self.drift = drift
    }
}
