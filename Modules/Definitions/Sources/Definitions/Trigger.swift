/// How a definition is started besides a manual trigger.
public enum Trigger: Sendable, Hashable {
    case cron(CronTrigger)
    case event(EventTrigger)

    /// `cron` or `event`, as written in files and stored.
    public var typeName: String {
        switch self {
        case .cron: "cron"
        case .event: "event"
        }
    }
}
