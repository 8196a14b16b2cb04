/// One sync at a time: across every replica in production (a PostgreSQL advisory lock), or
/// within one process (`LocalSyncLock`). Never a queue: a second caller is told "busy".
public protocol SyncLock: Sendable {
    /// Runs `body` holding the lock; returns nil at once when someone else holds it.
    func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result?
}
