/// The stages of a sync, by the names the report uses (`stage` of a change or an error).
public enum SyncStage: String, Sendable, Hashable, CaseIterable, Encodable, CustomStringConvertible {
    case definitions
    case eventTypes = "event_types"
    case schedules

    /// The report's name (`event_types`), also in logs and text.
    public var description: String { self.rawValue }
}
