import Sync

/// One sync at a time across every process on this database and schema: a session advisory
/// lock taken with `pg_try_advisory_lock` on a connection held for the whole sync, so a
/// crashed holder releases it with its connection. Released after the sync also when the sync
/// throws.
public struct PostgresSyncLock: SyncLock {
    let sessions: any AdvisoryLockSessions
    let key: Int64

    public init(database: ActivityDatabase) {
        self.init(sessions: database, key: AdvisoryLockKey.sync(schema: database.schema).value)
    }

    public init(sessions: any AdvisoryLockSessions, key: Int64) {
        self.sessions = sessions
        self.key = key
    }

    public func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws
        -> Result?
    {
        let key = self.key
        return try await self.sessions.withSession { session -> Result? in
            guard try await session.tryLock(key) else { return nil }
            let result: Result
            do {
                result = try await body()
            } catch {
                _ = try? await session.unlock(key)
                throw error
            }
            try await session.unlock(key)
            return result
        }
    }
}
