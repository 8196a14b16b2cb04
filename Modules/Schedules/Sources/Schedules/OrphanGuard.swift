/// What keeps a schedule sync from deleting or pausing orphans (CONTRACT section 8,
/// "Deletion guards").
public struct OrphanGuard: Sendable, Hashable {
    /// Why no orphan may be deleted or paused this run (the definitions stage had a root or
    /// store error); nil when they may.
    public var holdReason: String?
    /// Activity ids whose schedules are never orphans this run (their stored rows cannot be
    /// read, so whether a definition stands behind them is unknown).
    public var protectedActivityIDs: Set<String>
    /// Whether the run may delete or pause every owned schedule (`allow_empty`).
    public var allowEmpty: Bool

    public init(holdReason: String? = nil, protectedActivityIDs: Set<String> = [], allowEmpty: Bool = false) {
        self.holdReason = holdReason
        self.protectedActivityIDs = protectedActivityIDs
        self.allowEmpty = allowEmpty
    }

    /// No hold, nothing protected, emptying allowed: the plan as CONTRACT section 4 alone
    /// would have it.
    public static let none = OrphanGuard(allowEmpty: true)
}
