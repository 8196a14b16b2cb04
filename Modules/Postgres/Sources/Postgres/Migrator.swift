import Logging
import PostgresNIO

/// Applies versioned migrations, serialised across processes by an advisory lock.
public struct Migrator: Sendable {
    public let database: ActivityDatabase
    public let migrations: [Migration]

    public init(database: ActivityDatabase, migrations: [Migration] = Migrations.all) {
        self.database = database
        self.migrations = migrations
    }

    /// Applies every pending migration in one transaction and returns the versions applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let schema = self.database.schema
        let table = self.database.table("schema_migrations")
        let migrations = self.migrations
        let lock = AdvisoryLockKey.migrations(schema: schema).value
        let logger = self.database.logger
        do {
            return try await self.database.client.withTransaction(logger: logger) { connection in
                // A transaction-level lock: released by COMMIT/ROLLBACK, even if we crash.
                try await connection.query("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            CREATE TABLE IF NOT EXISTS \(table) (
                                version integer PRIMARY KEY,
                                name text NOT NULL,
                                applied_at timestamptz NOT NULL DEFAULT now()
                            )
                            """
                    ),
                    logger: logger
                )
                var applied: Set<Int> = []
                for try await version in try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT version FROM \(table)"), logger: logger
                ).decode(Int.self) {
                    applied.insert(version)
                }
                var done: [Int] = []
                for migration in migrations.sorted(by: { $0.version < $1.version })
                where !applied.contains(migration.version) {
                    for statement in migration.sql(schema: schema) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    var insert = PostgresQuery(unsafeSQL: "INSERT INTO \(table) (version, name) VALUES ($1, $2)")
                    insert.binds.append(migration.version)
                    insert.binds.append(migration.name)
                    try await connection.query(insert, logger: logger)
                    logger.info(
                        "applied migration",
                        metadata: [
                            "db.migration.version": "\(migration.version)", "db.migration.name": "\(migration.name)",
                        ])
                    done.append(migration.version)
                }
                return done
            }
        } catch {
            throw DatabaseError(.queryFailed, "migration failed: \(DatabaseError.describe(error))", cause: error)
        }
    }

    /// Versions not yet applied, without changing anything (for `plan` and readiness).
    public func pending() async throws -> [Int] {
        let schema = self.database.schema
        var query = PostgresQuery(
            unsafeSQL: "SELECT to_regclass($1) IS NOT NULL"
        )
        query.binds.append("\"\(schema)\".schema_migrations")
        var exists = false
        do {
            for try await value in try await self.database.client.query(query, logger: self.database.logger).decode(
                Bool.self)
            {
                exists = value
            }
            guard exists else { return self.migrations.map(\.version).sorted() }
            var applied: Set<Int> = []
            let rows = try await self.database.client.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(self.database.table("schema_migrations"))"),
                logger: self.database.logger
            )
            for try await version in rows.decode(Int.self) { applied.insert(version) }
            return self.migrations.map(\.version).filter { !applied.contains($0) }.sorted()
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot read migration state: \(DatabaseError.describe(error))", cause: error)
        }
    }
}
