import Foundation
import PostgresNIO
import Runs

/// Runs in the `runs` table.
public struct PostgresRunStore: RunStore {
    public let database: ActivityDatabase

    public init(database: ActivityDatabase) {
        self.database = database
    }

    var table: String { self.database.table("runs") }

    public func start(_ run: RunRecord) async throws {
        var query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(self.table)
                    (workflow_id, run_id, activity_id, trigger, status, attempts, scheduled_time, finished_at, error)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (workflow_id, run_id) DO NOTHING
                """
        )
        Self.bindRecord(run, to: &query)
        query.binds.append(run.finishedAt)
        query.binds.append(run.error)
        try await self.run(query)
    }

    public func recordAttempt(workflowID: String, runID: String, attempt: Int) async throws {
        var query = PostgresQuery(
            unsafeSQL:
                "UPDATE \(self.table) SET attempts = GREATEST(attempts, $3) WHERE workflow_id = $1 AND run_id = $2"
        )
        query.binds.append(workflowID)
        query.binds.append(runID)
        query.binds.append(attempt)
        try await self.run(query)
    }

    public func recordAttemptError(workflowID: String, runID: String, error: String) async throws {
        var query = PostgresQuery(
            unsafeSQL: "UPDATE \(self.table) SET error = $3 WHERE workflow_id = $1 AND run_id = $2")
        query.binds.append(workflowID)
        query.binds.append(runID)
        query.binds.append(error)
        try await self.run(query)
    }

    @discardableResult
    public func finish(_ run: RunRecord) async throws -> Bool {
        var query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(self.table) AS r
                    (workflow_id, run_id, activity_id, trigger, status, attempts, scheduled_time, finished_at, error)
                VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8)
                ON CONFLICT (workflow_id, run_id) DO UPDATE
                    SET status = EXCLUDED.status, error = EXCLUDED.error, finished_at = now()
                    WHERE r.status = 'running'
                RETURNING 1
                """
        )
        Self.bindRecord(run, to: &query)
        query.binds.append(run.error)
        do {
            let rows = try await self.database.client.query(query, logger: self.database.logger)
            var ended = false
            for try await _ in rows { ended = true }
            return ended
        } catch {
            throw DatabaseError(.queryFailed, "cannot write runs: \(DatabaseError.describe(error))", cause: error)
        }
    }

    public func recent(activityID: String?, limit: Int) async throws -> [RunRecord] {
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.columns) FROM \(self.table) \(activityID == nil ? "" : "WHERE activity_id = $2")
                ORDER BY started_at DESC LIMIT $1
                """
        )
        query.binds.append(limit)
        if let activityID { query.binds.append(activityID) }
        return try await self.records(query)
    }

    public func running(startedBefore: Date, limit: Int) async throws -> [RunRecord] {
        // Served by the partial index runs_running (migration 7).
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.columns) FROM \(self.table)
                WHERE status = 'running' AND started_at < $1 ORDER BY started_at LIMIT $2
                """
        )
        query.binds.append(startedBefore)
        query.binds.append(limit)
        return try await self.records(query)
    }

    static let columns =
        "activity_id, trigger, workflow_id, run_id, status, attempts, scheduled_time, started_at, finished_at, error"

    private func records(_ query: PostgresQuery) async throws -> [RunRecord] {
        var records: [RunRecord] = []
        do {
            let rows = try await self.database.client.query(query, logger: self.database.logger)
            for try await row in rows.decode(
                (String, String, String, String, String, Int, Date?, Date, Date?, String?).self)
            {
                records.append(
                    RunRecord(
                        activityID: row.0,
                        trigger: row.1,
                        workflowID: row.2,
                        runID: row.3,
                        status: RunRecord.Status(rawValue: row.4) ?? .failed,
                        attempts: row.5,
                        scheduledTime: row.6,
                        startedAt: row.7,
                        finishedAt: row.8,
                        error: row.9
                    )
                )
            }
        } catch {
            throw DatabaseError(.queryFailed, "cannot read runs: \(DatabaseError.describe(error))", cause: error)
        }
        return records
    }

    private func run(_ query: PostgresQuery) async throws {
        do {
            try await self.database.client.query(query, logger: self.database.logger)
        } catch {
            throw DatabaseError(.queryFailed, "cannot write runs: \(DatabaseError.describe(error))", cause: error)
        }
    }

    /// $1...$7: workflow ID, run ID, activity ID, trigger, status, attempts, scheduled time.
    private static func bindRecord(_ run: RunRecord, to query: inout PostgresQuery) {
        query.binds.append(run.workflowID)
        query.binds.append(run.runID)
        query.binds.append(run.activityID)
        query.binds.append(run.trigger)
        query.binds.append(run.status.rawValue)
        query.binds.append(run.attempts)
        query.binds.append(run.scheduledTime)
    }
}
