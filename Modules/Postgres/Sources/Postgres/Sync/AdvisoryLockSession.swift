import PostgresNIO

/// The two statements the sync lock needs, on one database session: a PostgreSQL connection
/// held for the whole sync in production, a fake in unit tests.
public protocol AdvisoryLockSession: Sendable {
    /// `pg_try_advisory_lock`: true when this session now holds the lock.
    func tryLock(_ key: Int64) async throws -> Bool
    /// `pg_advisory_unlock`.
    func unlock(_ key: Int64) async throws
}

/// Where sessions come from: one is held for as long as `body` runs.
public protocol AdvisoryLockSessions: Sendable {
    func withSession<Result: Sendable>(_ body: @Sendable (any AdvisoryLockSession) async throws -> Result)
        async throws -> Result
}

extension ActivityDatabase: AdvisoryLockSessions {
    public func withSession<Result: Sendable>(_ body: @Sendable (any AdvisoryLockSession) async throws -> Result)
        async throws -> Result
    {
        try await self.client.withConnection { connection in
            try await body(ConnectionSession(connection: connection, logger: self.logger))
        }
    }
}

/// A pooled connection as a lock session.
struct ConnectionSession: AdvisoryLockSession {
    let connection: PostgresConnection
    let logger: Logger

    func tryLock(_ key: Int64) async throws -> Bool {
        var acquired = false
        for try await value in try await self.connection.query(
            "SELECT pg_try_advisory_lock(\(key))", logger: self.logger
        ).decode(Bool.self) {
            acquired = value
        }
        return acquired
    }

    func unlock(_ key: Int64) async throws {
        try await self.connection.query("SELECT pg_advisory_unlock(\(key))", logger: self.logger)
    }
}
