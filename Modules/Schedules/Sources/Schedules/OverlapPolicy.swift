/// What Temporal does when a fire comes while the previous run is still going, and with
/// fires missed while the schedule could not run: derived from the misfire policy.
public enum OverlapPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case skip = "SKIP"
    case bufferOne = "BUFFER_ONE"
    case bufferAll = "BUFFER_ALL"
}
