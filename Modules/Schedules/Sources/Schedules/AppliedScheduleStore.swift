/// Remembers the spec hash last applied to each schedule, because Temporal never returns
/// the cron text: "unchanged" is decided by comparing this hash with the projection's.
public protocol AppliedScheduleStore: Sendable {
    func appliedHashes() async throws -> [String: String]
    func recordApplied(scheduleID: String, specHash: String) async throws
    func removeApplied(scheduleID: String) async throws
}
