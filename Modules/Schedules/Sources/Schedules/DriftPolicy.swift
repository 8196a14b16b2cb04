/// What a sync does with an owned schedule whose state in the scheduler differs from its
/// projection (`ACTIVITY_DRIFT`): update it back (`correct`, the default) or leave it and warn
/// (`report`). A schedule paused by someone else stays paused either way.
public enum DriftPolicy: String, Sendable, Hashable, CaseIterable {
    case correct
    case report
}
