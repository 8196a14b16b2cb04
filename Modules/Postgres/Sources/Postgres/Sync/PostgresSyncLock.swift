import Logging
import PostgresNIO
import Sync

/// One sync at a time across every process on this database and schema: a session advisory
/// lock taken with `pg_try_advisory_lock` on a connection held for the whole sync, so a
/// crashed holder releases it with its connection.
public struct PostgresSyncLock: SyncLock {
    let database: ActivityDatabase

    public init(database: ActivityDatabase) {
        self.database = database
    }

    public func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws
        -> Result?
    {
        let key = AdvisoryLockKey.sync(schema: self.database.schema).value
        let logger = self.database.logger
        return try await self.database.client.withConnection { connection in
            var acquired = false
            for try await value in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                .decode(Bool.self)
            {
                acquired = value
            }
            guard acquired else { return nil }
            do {
                let result = try await body()
                try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
        }
    }
}
