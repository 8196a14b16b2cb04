/// Which stages one sync run covers.
public struct SyncStages: Sendable, Hashable {
    public var definitions: Bool
    public var eventTypes: Bool
    public var schedules: Bool

    public init(definitions: Bool, eventTypes: Bool, schedules: Bool) {
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.schedules = schedules
    }

    /// No flag: definitions and schedules (CONTRACT section 1).
    public static let standard = Self(definitions: true, eventTypes: false, schedules: true)
    public static let all = Self(definitions: true, eventTypes: true, schedules: true)

    public var isEmpty: Bool { !self.definitions && !self.eventTypes && !self.schedules }
}
