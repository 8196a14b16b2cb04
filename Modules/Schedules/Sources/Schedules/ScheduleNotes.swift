/// The notes activity-core writes on the schedules it pauses. A pause whose note does not
/// mention activity-core was made by someone else and is left alone.
public enum ScheduleNotes {
    public static let marker = "activity-core"
    public static let definitionDisabled = "paused by activity-core: definition disabled"
    public static let orphaned = "paused by activity-core: orphaned"
    public static let unpaused = "unpaused by activity-core: definition enabled"

    public static func isOurs(_ notes: String) -> Bool {
        notes.contains(Self.marker)
    }
}
