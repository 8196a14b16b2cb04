/// What a sync does to an owned schedule with no definition behind it.
public enum OrphanPolicy: String, Sendable, Hashable, CaseIterable {
    case delete
    case pause
}
