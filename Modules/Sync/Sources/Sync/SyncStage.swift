/// The stages of a sync, by the names the report uses (`stage` of a change or an error).
public enum SyncStage: String, Sendable, Hashable, CaseIterable {
    case definitions
    case eventTypes = "event_types"
    case schedules
}
