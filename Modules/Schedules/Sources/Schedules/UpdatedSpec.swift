/// What an update tells of the spec's form in the scheduler (`ScheduleSummary.observedSpec`).
public struct UpdatedSpec: Sendable, Hashable {
    /// The form after the update; nil when not known (it is then learned from the next listing).
    public var observed: String?
    /// The form before the update, when known. The list is eventually consistent and can go on
    /// showing it for a while after the update: a listing that shows it teaches nothing, the
    /// schedule is described instead.
    public var superseded: String?

    public init(observed: String? = nil, superseded: String? = nil) {
        self.observed = observed
        self.superseded = superseded
    }
}
