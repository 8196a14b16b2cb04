import Synchronization

/// A lock within one process: for tests and for in-memory setups.
public final class LocalSyncLock: SyncLock {
    private let held = Mutex(false)

    public init() {}

    public func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws
        -> Result?
    {
        let acquired = self.held.withLock { held in
            if held { return false }
            held = true
            return true
        }
        guard acquired else { return nil }
        defer { self.held.withLock { $0 = false } }
        return try await body()
    }
}
