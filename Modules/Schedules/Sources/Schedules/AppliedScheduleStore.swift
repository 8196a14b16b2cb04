/// Remembers what was last applied to each schedule, because Temporal never returns the
/// cron text and its list is eventually consistent: "unchanged" is decided by comparing the
/// stored hash with the projection's, and a listed paused state that disagrees with the
/// stored one is described before it is trusted.
public protocol AppliedScheduleStore: Sendable {
    func applied() async throws -> [String: AppliedSchedule]
    /// `observedSpec`: the scheduler's form of the spec just written, nil when not known
    /// (it is then learned from the next listing); `supersededSpec`: its form before the
    /// write, when the form after it is not known (a listing still showing it is stale).
    func recordApplied(
        scheduleID: String, specHash: String, paused: Bool, observedSpec: String?, supersededSpec: String?
    ) async throws
    /// Keeps hash and paused state (and forgets a superseded form); a schedule without a row
    /// is left without one.
    func recordObservedSpec(scheduleID: String, observedSpec: String) async throws
    /// `recordObservedSpec` for many schedules at once (a sync after a first one learns a form
    /// for every schedule it created); a store that can writes them in one statement.
    func recordObservedSpecs(_ forms: [String: String]) async throws
    /// The drifted fields left as they are (empty: none); a write (`recordApplied`) clears them.
    func recordDrift(scheduleID: String, fields: [String]) async throws
    /// Keeps the hash; a schedule without a row is left without one.
    func recordPaused(scheduleID: String, paused: Bool) async throws
    func removeApplied(scheduleID: String) async throws
}

extension AppliedScheduleStore {
    public func recordApplied(scheduleID: String, specHash: String, paused: Bool) async throws {
        try await self.recordApplied(
            scheduleID: scheduleID, specHash: specHash, paused: paused, observedSpec: nil, supersededSpec: nil)
    }

    public func recordApplied(scheduleID: String, specHash: String, paused: Bool, observedSpec: String?) async throws {
        try await self.recordApplied(
            scheduleID: scheduleID, specHash: specHash, paused: paused, observedSpec: observedSpec,
            supersededSpec: nil)
    }

    public func recordObservedSpecs(_ forms: [String: String]) async throws {
        for (id, form) in forms.sorted(by: { $0.key < $1.key }) {
            try await self.recordObservedSpec(scheduleID: id, observedSpec: form)
        }
    }

    /// The spec hashes alone.
    public func appliedHashes() async throws -> [String: String] {
        try await self.applied().mapValues(\.specHash)
    }
}
