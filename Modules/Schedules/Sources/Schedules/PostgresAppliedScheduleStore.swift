import Postgres
import PostgresNIO

/// Applied spec hashes in the `applied_schedules` table.
public struct PostgresAppliedScheduleStore: AppliedScheduleStore {
    public let database: ActivityDatabase

    public init(database: ActivityDatabase) {
        self.database = database
    }

    public func appliedHashes() async throws -> [String: String] {
        var hashes: [String: String] = [:]
        do {
            let rows = try await self.database.client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT schedule_id, spec_hash FROM \(self.database.table("applied_schedules"))"),
                logger: self.database.logger
            )
            for try await (id, hash) in rows.decode((String, String).self) { hashes[id] = hash }
        } catch {
            throw DatabaseError(.queryFailed, "cannot read applied schedules: \(DatabaseError.describe(error))")
        }
        return hashes
    }

    public func recordApplied(scheduleID: String, specHash: String) async throws {
        var query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(self.database.table("applied_schedules")) (schedule_id, spec_hash) VALUES ($1, $2)
                ON CONFLICT (schedule_id) DO UPDATE SET spec_hash = EXCLUDED.spec_hash, applied_at = now()
                """
        )
        query.binds.append(scheduleID)
        query.binds.append(specHash)
        try await self.run(query)
    }

    public func removeApplied(scheduleID: String) async throws {
        var query = PostgresQuery(
            unsafeSQL: "DELETE FROM \(self.database.table("applied_schedules")) WHERE schedule_id = $1")
        query.binds.append(scheduleID)
        try await self.run(query)
    }

    private func run(_ query: PostgresQuery) async throws {
        do {
            try await self.database.client.query(query, logger: self.database.logger)
        } catch {
            throw DatabaseError(.queryFailed, "cannot write applied schedules: \(DatabaseError.describe(error))")
        }
    }
}
