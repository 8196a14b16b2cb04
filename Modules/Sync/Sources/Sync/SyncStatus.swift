import Foundation

/// The service's state for `GET /admin/sync/status` (CONTRACT section 7).
public struct SyncStatus: Sendable, Encodable {
    /// A sync of this process is running.
    public var running: Bool
    /// The background loop's period; 0 = off.
    public var intervalSeconds: Int
    public var lastStartedAt: Date?
    public var lastSuccessAt: Date?
    /// The first error of the latest sync when it failed; nil after a sync without errors.
    public var lastError: String?
    public var lastResult: SyncReport?
    /// Who started the last sync: `startup`, `api`, `loop` or `cli`.
    public var lastTrigger: SyncTrigger?

    public init(
        running: Bool, intervalSeconds: Int, lastStartedAt: Date?, lastSuccessAt: Date?, lastError: String?,
        lastResult: SyncReport?, lastTrigger: SyncTrigger? = nil
    ) {
        self.running = running
        self.intervalSeconds = intervalSeconds
        self.lastStartedAt = lastStartedAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.lastResult = lastResult
        self.lastTrigger = lastTrigger
    }

    enum CodingKeys: String, CodingKey {
        case running
        case intervalSeconds = "interval_seconds"
        case lastStartedAt = "last_started_at"
        case lastSuccessAt = "last_success_at"
        case lastError = "last_error"
        case lastResult = "last_result"
        case lastTrigger = "last_trigger"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.running, forKey: .running)
        try container.encode(self.intervalSeconds, forKey: .intervalSeconds)
        try container.encode(self.lastStartedAt?.formatted(.iso8601), forKey: .lastStartedAt)
        try container.encode(self.lastSuccessAt?.formatted(.iso8601), forKey: .lastSuccessAt)
        try container.encode(self.lastError, forKey: .lastError)
        try container.encode(self.lastResult, forKey: .lastResult)
        try container.encode(self.lastTrigger?.rawValue, forKey: .lastTrigger)
    }
}
