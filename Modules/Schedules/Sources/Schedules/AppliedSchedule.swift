/// What this service last applied to one schedule: the spec hash (Temporal never returns the
/// cron text) and the paused state it last wrote or saw described, `nil` when not known
/// (a row from before the state was kept).
public struct AppliedSchedule: Sendable, Hashable {
    public var specHash: String
    public var paused: Bool?
    /// The scheduler's form of the spec after the last write (`ScheduleSummary.observedSpec`),
    /// nil until known.
    public var observedSpec: String?
    /// The scheduler's form before the last update, kept while the form after it is not known
    /// (`UpdatedSpec.superseded`): a listing that still shows it is not learned as the baseline.
    public var supersededSpec: String?
    /// The fields found drifted by the last sync or refresh and left as they are
    /// (`ACTIVITY_DRIFT=report`); empty when none.
    public var drift: [String]

    public init(
        specHash: String, paused: Bool?, observedSpec: String? = nil, supersededSpec: String? = nil,
        drift: [String] = []
    ) {
        self.specHash = specHash
        self.paused = paused
        self.observedSpec = observedSpec
        self.supersededSpec = supersededSpec
        self.drift = drift
    }
}
