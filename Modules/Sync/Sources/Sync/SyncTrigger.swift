/// Who asked for a sync (logs and metrics).
public enum SyncTrigger: String, Sendable, Hashable {
    case startup, api, loop, cli
}
