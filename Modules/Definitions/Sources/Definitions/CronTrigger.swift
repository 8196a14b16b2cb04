/// A trigger that fires on a cron calendar in a time zone.
public struct CronTrigger: Sendable, Hashable, Codable {
    public var cronExpression: String
    public var timezone: String
    public var misfirePolicy: MisfirePolicy
    public var jitterSeconds: Int
    /// `nil` means the misfire policy's default window.
    public var catchupWindowSeconds: Int?

    public init(
        cronExpression: String,
        timezone: String = "UTC",
        misfirePolicy: MisfirePolicy = .skip,
        jitterSeconds: Int = 0,
        catchupWindowSeconds: Int? = nil
    ) {
        self.cronExpression = cronExpression
        self.timezone = timezone
        self.misfirePolicy = misfirePolicy
        self.jitterSeconds = jitterSeconds
        self.catchupWindowSeconds = catchupWindowSeconds
    }

    /// The window Temporal gets: the explicit one, else the policy's default.
    public var effectiveCatchupWindowSeconds: Int {
        self.catchupWindowSeconds ?? self.misfirePolicy.defaultCatchupWindowSeconds
    }

    enum CodingKeys: String, CodingKey {
        case cronExpression = "cron_expression"
        case timezone
        case misfirePolicy = "misfire_policy"
        case jitterSeconds = "jitter_seconds"
        case catchupWindowSeconds = "catchup_window_seconds"
    }
}
