import Definitions
import Foundation
import PostgresNIO

/// The PostgreSQL store of one document kind (`activity_definitions`, `event_types`).
///
/// Writes of one sync run in one transaction that also bumps the kind's generation and
/// sends a `NOTIFY`, so that routers on other replicas learn of the change.
public struct PostgresDocumentStore<Document: StoredDocument>: DocumentStore {
    public let database: ActivityDatabase
    /// Unreadable rows already logged by this store (shared by its copies).
    let unreadableLog = UnreadableRowLog()
    /// The documents of the last full read, by stored JSON (shared by its copies).
    let decoded = DecodedDocuments<Document>()

    public init(database: ActivityDatabase) {
        self.database = database
    }

    var tableName: String {
        switch Document.kind {
        case .activity: "activity_definitions"
        case .eventType: "event_types"
        }
    }

    public func contents() async throws -> StoredContents<Document> {
        try await self.select(where: nil)
    }

    public func record(id: String) async throws -> StoredRecord<Document>? {
        let contents = try await self.select(where: id)
        if let row = contents.unreadable.first {
            throw DatabaseError(
                .corruptRecord,
                "stored \(Document.kind.rawValue) \(row.id) cannot be read (column \(row.column): \(row.message))")
        }
        return contents.records.first
    }

    private func select(where id: String?) async throws -> StoredContents<Document> {
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT id, spec::text, source_root, source_path, content_hash, retired_at, updated_at
                FROM \(self.database.table(self.tableName)) \(id == nil ? "" : "WHERE id = $1") ORDER BY id
                """
        )
        if let id { query.binds.append(id) }
        let decoder = JSONDecoder()
        let fullRead = id == nil
        let known = fullRead ? self.decoded.last : [:]
        var used: [String: Document] = [:]
        var contents = StoredContents<Document>(records: [])
        do {
            let rows = try await self.database.client.query(query, logger: self.database.logger)
            for try await (id, spec, root, path, hash, retiredAt, updatedAt) in rows.decode(
                (String, String, String, String, String, Date?, Date).self)
            {
                let source = DefinitionSource(root: root, path: path)
                let document: Document
                do {
                    document = try known[spec] ?? decoder.decode(Document.self, from: Data(spec.utf8))
                    if fullRead { used[spec] = document }
                } catch {
                    // One row that cannot be read must not hide the others: it is reported
                    // (once per process in the log) and its id protected by the sync.
                    contents.unreadable.append(
                        UnreadableRecord(id: id, source: source, column: "spec", message: Self.describe(error)))
                    self.unreadableLog.report(id: id, hash: hash) {
                        self.database.logger.error(
                            "stored row cannot be read; skipped",
                            metadata: ["store.table": "\(self.tableName)", "store.id": "\(id)", "store.column": "spec"])
                    }
                    continue
                }
                contents.records.append(
                    StoredRecord(
                        document: document, source: source, contentHash: hash, retiredAt: retiredAt,
                        updatedAt: updatedAt))
            }
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot read \(self.tableName): \(DatabaseError.describe(error))", cause: error)
        }
        if fullRead { self.decoded.keep(used) }
        return contents
    }

    /// A decoding error in a few words (which key, what was wrong), without the row's content.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key \(Self.path(context.codingPath + [key]))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(Self.path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map(\.stringValue).joined(separator: ".")
    }

    /// Writes in one transaction with the generation bump and `NOTIFY`. When the server
    /// refuses a value, the writes are made again one record at a time (a savepoint each),
    /// so that one record the database cannot hold never blocks the others.
    public func apply(_ changes: StoreChanges<Document>) async throws -> StoreApplyResult {
        guard !changes.isEmpty else { return StoreApplyResult(generation: try await self.generation()) }
        do {
            return try await self.write(changes, oneByOne: false)
        } catch  where Self.isRefusedValue(error) {
            self.database.logger.warning(
                "store refused a batch; writing one record at a time",
                metadata: ["store.table": "\(self.tableName)", "error": "\(DatabaseError.describe(error))"])
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot write \(self.tableName): \(DatabaseError.describe(error))", cause: error)
        }
        do {
            return try await self.write(changes, oneByOne: true)
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot write \(self.tableName): \(DatabaseError.describe(error))", cause: error)
        }
    }

    /// SQLSTATE classes of a value the server will not take (data exception, integrity
    /// constraint, program limit), as opposed to a connection or timeout failure.
    static func isRefusedValue(_ error: any Error) -> Bool {
        guard let state = DatabaseError.serverError(error)?.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23") || state.hasPrefix("54")
    }

    private func write(_ changes: StoreChanges<Document>, oneByOne: Bool) async throws -> StoreApplyResult {
        let logger = self.database.logger
        let retire = self.retireQuery(changes.retirements)
        let bump = self.bumpQuery()
        let batches = oneByOne ? changes.upserts.map { [$0] } : [changes.upserts]
        return try await self.database.client.withTransaction(logger: logger) { connection in
            var failures: [String: String] = [:]
            var wrote = false
            for batch in batches where !batch.isEmpty {
                let query = self.upsertQuery(batch)
                guard oneByOne else {
                    try await connection.query(query, logger: logger)
                    wrote = true
                    continue
                }
                try await connection.query("SAVEPOINT activity_core_upsert", logger: logger)
                do {
                    try await connection.query(query, logger: logger)
                    try await connection.query("RELEASE SAVEPOINT activity_core_upsert", logger: logger)
                    wrote = true
                } catch  where Self.isRefusedValue(error) {
                    try await connection.query("ROLLBACK TO SAVEPOINT activity_core_upsert", logger: logger)
                    failures[batch[0].id] = DatabaseError.describe(error)
                }
            }
            if !changes.retirements.isEmpty {
                try await connection.query(retire, logger: logger)
                wrote = true
            }
            guard wrote else {
                return StoreApplyResult(generation: try await self.generation(on: connection), failures: failures)
            }
            var generation: Int64 = 0
            for try await (value, _) in try await connection.query(bump, logger: logger).decode((Int64, Bool).self) {
                generation = value
            }
            return StoreApplyResult(generation: generation, failures: failures)
        }
    }

    private func upsertQuery(_ upserts: [StoredRecord<Document>]) -> PostgresQuery {
        var upsert = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(self.database.table(self.tableName)) (id, name, enabled, spec, source_root, source_path, content_hash)
                SELECT u.id, u.name, u.enabled, u.spec::jsonb, u.source_root, u.source_path, u.content_hash
                FROM UNNEST($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::text[])
                    AS u(id, name, enabled, spec, source_root, source_path, content_hash)
                ON CONFLICT (id) DO UPDATE SET
                    name = EXCLUDED.name, enabled = EXCLUDED.enabled, spec = EXCLUDED.spec,
                    source_root = EXCLUDED.source_root, source_path = EXCLUDED.source_path,
                    content_hash = EXCLUDED.content_hash, updated_at = now(), retired_at = NULL
                """
        )
        upsert.binds.append(upserts.map(\.id))
        upsert.binds.append(upserts.map(\.document.displayName))
        upsert.binds.append(upserts.map(\.document.isEnabled))
        upsert.binds.append(
            upserts.map { String(decoding: StoredRecord<Document>.canonicalJSON($0.document), as: UTF8.self) })
        upsert.binds.append(upserts.map(\.source.root))
        upsert.binds.append(upserts.map(\.source.path))
        upsert.binds.append(upserts.map(\.contentHash))
        return upsert
    }

    private func retireQuery(_ ids: [String]) -> PostgresQuery {
        var retire = PostgresQuery(
            unsafeSQL:
                "UPDATE \(self.database.table(self.tableName)) SET retired_at = now(), updated_at = now() WHERE id = ANY($1::text[]) AND retired_at IS NULL"
        )
        retire.binds.append(ids)
        return retire
    }

    private func bumpQuery() -> PostgresQuery {
        var bump = PostgresQuery(
            unsafeSQL: """
                WITH bumped AS (
                    UPDATE \(self.database.table("store_generations")) SET generation = generation + 1 WHERE kind = $1 RETURNING generation
                )
                SELECT generation, pg_notify($2, $1 || ':' || generation) IS NOT NULL FROM bumped
                """
        )
        bump.binds.append(Document.kind.rawValue)
        bump.binds.append(self.database.notificationChannel)
        return bump
    }

    private func generation(on connection: PostgresConnection) async throws -> Int64 {
        var query = PostgresQuery(
            unsafeSQL: "SELECT generation FROM \(self.database.table("store_generations")) WHERE kind = $1")
        query.binds.append(Document.kind.rawValue)
        var generation: Int64 = 0
        for try await value in try await connection.query(query, logger: self.database.logger).decode(Int64.self) {
            generation = value
        }
        return generation
    }

    public func generation() async throws -> Int64 {
        do {
            return try await self.database.client.withConnection { try await self.generation(on: $0) }
        } catch {
            throw DatabaseError(
                .queryFailed, "cannot read the store generation: \(DatabaseError.describe(error))", cause: error)
        }
    }
}

/// The PostgreSQL store of activity definitions.
public typealias PostgresDefinitionStore = PostgresDocumentStore<ActivityDefinition>
