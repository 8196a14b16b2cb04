/// One reconciler at a time across replicas.
public protocol RunReconcileLock: Sendable {
    /// Runs `body` holding the lock; returns nil at once when someone else holds it.
    func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result?
}
