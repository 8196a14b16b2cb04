/// What one call of `SyncService.sync` did.
public enum SyncOutcome: Sendable {
    /// The sync ran (its report may carry errors).
    case ran(SyncReport)
    /// Another sync was running (here, in another replica, the loop or the CLI).
    case busy
}
