import PostgresNIO
import Schedules

/// Applied spec hashes and paused states in the `applied_schedules` table.
public struct PostgresAppliedScheduleStore: AppliedScheduleStore {
    public let database: ActivityDatabase

    public init(database: ActivityDatabase) {
        self.database = database
    }

    public func applied() async throws -> [String: AppliedSchedule] {
        var applied: [String: AppliedSchedule] = [:]
        do {
            let rows = try await self.database.client.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT schedule_id, spec_hash, paused, observed_spec, superseded_spec, drift FROM \(self.database.table("applied_schedules"))"
                ),
                logger: self.database.logger
            )
            for try await (id, hash, paused, observed, superseded, drift) in rows.decode(
                (String, String, Bool?, String?, String?, [String]).self)
            {
                applied[id] = AppliedSchedule(
                    specHash: hash, paused: paused, observedSpec: observed, supersededSpec: superseded, drift: drift)
            }
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot read applied schedules: \(DatabaseError.describe(error))", cause: error)
        }
        return applied
    }

    public func recordApplied(
        scheduleID: String, specHash: String, paused: Bool, observedSpec: String?, supersededSpec: String?
    ) async throws {
        var query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(self.database.table("applied_schedules"))
                    (schedule_id, spec_hash, paused, observed_spec, superseded_spec)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (schedule_id) DO UPDATE
                SET spec_hash = EXCLUDED.spec_hash, paused = EXCLUDED.paused, observed_spec = EXCLUDED.observed_spec,
                    superseded_spec = EXCLUDED.superseded_spec, drift = '{}', applied_at = now()
                """
        )
        query.binds.append(scheduleID)
        query.binds.append(specHash)
        query.binds.append(paused)
        query.binds.append(observedSpec)
        query.binds.append(observedSpec == nil ? supersededSpec : nil)
        try await self.run(query)
    }

    public func recordDrift(scheduleID: String, fields: [String]) async throws {
        try await self.set("drift", to: fields, scheduleID: scheduleID)
    }

    public func recordObservedSpec(scheduleID: String, observedSpec: String) async throws {
        try await self.recordObservedSpecs([scheduleID: observedSpec])
    }

    /// One statement for all of them.
    public func recordObservedSpecs(_ forms: [String: String]) async throws {
        guard !forms.isEmpty else { return }
        let sorted = forms.sorted { $0.key < $1.key }
        var query = PostgresQuery(
            unsafeSQL: """
                UPDATE \(self.database.table("applied_schedules")) AS a SET observed_spec = f.form, superseded_spec = NULL
                FROM unnest($1::text[], $2::text[]) AS f(id, form)
                WHERE a.schedule_id = f.id
                """
        )
        query.binds.append(sorted.map(\.key))
        query.binds.append(sorted.map(\.value))
        try await self.run(query)
    }

    public func recordPaused(scheduleID: String, paused: Bool) async throws {
        var query = PostgresQuery(
            unsafeSQL: """
                UPDATE \(self.database.table("applied_schedules")) SET paused = $2, applied_at = now()
                WHERE schedule_id = $1
                """
        )
        query.binds.append(scheduleID)
        query.binds.append(paused)
        try await self.run(query)
    }

    public func removeApplied(scheduleID: String) async throws {
        var query = PostgresQuery(
            unsafeSQL: "DELETE FROM \(self.database.table("applied_schedules")) WHERE schedule_id = $1")
        query.binds.append(scheduleID)
        try await self.run(query)
    }

    /// Sets one column of a schedule's row (a schedule without a row is left without one).
    private func set(_ column: String, to value: some PostgresNonThrowingEncodable & Sendable, scheduleID: String)
        async throws
    {
        var query = PostgresQuery(
            unsafeSQL: "UPDATE \(self.database.table("applied_schedules")) SET \(column) = $2 WHERE schedule_id = $1")
        query.binds.append(scheduleID)
        query.binds.append(value)
        try await self.run(query)
    }

    private func run(_ query: PostgresQuery) async throws {
        do {
            try await self.database.client.query(query, logger: self.database.logger)
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot write applied schedules: \(DatabaseError.describe(error))", cause: error)
        }
    }
}
