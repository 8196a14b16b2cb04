import Foundation
import Postgres
import PostgresNIO

/// The PostgreSQL store of one document kind (`activity_definitions`, `event_types`).
///
/// Writes of one sync run in one transaction that also bumps the kind's generation and
/// sends a `NOTIFY`, so that routers on other replicas learn of the change.
public struct PostgresDocumentStore<Document: StoredDocument>: DocumentStore {
    public let database: ActivityDatabase

    public init(database: ActivityDatabase) {
        self.database = database
    }

    var tableName: String {
        switch Document.kind {
        case .activity: "activity_definitions"
        case .eventType: "event_types"
        }
    }

    public func records() async throws -> [StoredRecord<Document>] {
        try await self.select(where: nil)
    }

    public func record(id: String) async throws -> StoredRecord<Document>? {
        try await self.select(where: id).first
    }

    private func select(where id: String?) async throws -> [StoredRecord<Document>] {
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT id, spec::text, source_root, source_path, content_hash, retired_at, updated_at
                FROM \(self.database.table(self.tableName)) \(id == nil ? "" : "WHERE id = $1") ORDER BY id
                """
        )
        if let id { query.binds.append(id) }
        let decoder = JSONDecoder()
        var records: [StoredRecord<Document>] = []
        do {
            let rows = try await self.database.client.query(query, logger: self.database.logger)
            for try await (id, spec, root, path, hash, retiredAt, updatedAt) in rows.decode(
                (String, String, String, String, String, Date?, Date).self)
            {
                guard let document = try? decoder.decode(Document.self, from: Data(spec.utf8)) else {
                    throw DatabaseError(.corruptRecord, "stored \(Document.kind.rawValue) \(id) cannot be decoded")
                }
                records.append(
                    StoredRecord(
                        document: document,
                        source: DefinitionSource(root: root, path: path),
                        contentHash: hash,
                        retiredAt: retiredAt,
                        updatedAt: updatedAt
                    )
                )
            }
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.queryFailed, "cannot read \(self.tableName): \(DatabaseError.describe(error))")
        }
        return records
    }

    public func apply(_ changes: StoreChanges<Document>) async throws -> Int64 {
        guard !changes.isEmpty else { return try await self.generation() }
        let table = self.database.table(self.tableName)
        let generations = self.database.table("store_generations")
        let kind = Document.kind.rawValue
        let channel = self.database.notificationChannel
        let logger = self.database.logger
        var upsert = PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(table) (id, name, enabled, spec, source_root, source_path, content_hash)
                SELECT u.id, u.name, u.enabled, u.spec::jsonb, u.source_root, u.source_path, u.content_hash
                FROM UNNEST($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::text[])
                    AS u(id, name, enabled, spec, source_root, source_path, content_hash)
                ON CONFLICT (id) DO UPDATE SET
                    name = EXCLUDED.name, enabled = EXCLUDED.enabled, spec = EXCLUDED.spec,
                    source_root = EXCLUDED.source_root, source_path = EXCLUDED.source_path,
                    content_hash = EXCLUDED.content_hash, updated_at = now(), retired_at = NULL
                """
        )
        let upserts = changes.upserts
        upsert.binds.append(upserts.map(\.id))
        upsert.binds.append(upserts.map(\.document.displayName))
        upsert.binds.append(upserts.map(\.document.isEnabled))
        upsert.binds.append(
            upserts.map { String(decoding: StoredRecord<Document>.canonicalJSON($0.document), as: UTF8.self) })
        upsert.binds.append(upserts.map(\.source.root))
        upsert.binds.append(upserts.map(\.source.path))
        upsert.binds.append(upserts.map(\.contentHash))
        var retire = PostgresQuery(
            unsafeSQL:
                "UPDATE \(table) SET retired_at = now(), updated_at = now() WHERE id = ANY($1::text[]) AND retired_at IS NULL"
        )
        retire.binds.append(changes.retirements)
        var bump = PostgresQuery(
            unsafeSQL: """
                WITH bumped AS (
                    UPDATE \(generations) SET generation = generation + 1 WHERE kind = $1 RETURNING generation
                )
                SELECT generation, pg_notify($2, $1 || ':' || generation) IS NOT NULL FROM bumped
                """
        )
        bump.binds.append(kind)
        bump.binds.append(channel)
        do {
            return try await self.database.client.withTransaction(logger: logger) { connection in
                if !upserts.isEmpty { try await connection.query(upsert, logger: logger) }
                if !changes.retirements.isEmpty { try await connection.query(retire, logger: logger) }
                var generation: Int64 = 0
                for try await (value, _) in try await connection.query(bump, logger: logger).decode((Int64, Bool).self)
                {
                    generation = value
                }
                return generation
            }
        } catch {
            throw DatabaseError(.queryFailed, "cannot write \(self.tableName): \(DatabaseError.describe(error))")
        }
    }

    public func generation() async throws -> Int64 {
        var query = PostgresQuery(
            unsafeSQL: "SELECT generation FROM \(self.database.table("store_generations")) WHERE kind = $1")
        query.binds.append(Document.kind.rawValue)
        do {
            var generation: Int64 = 0
            for try await value in try await self.database.client.query(query, logger: self.database.logger).decode(
                Int64.self)
            {
                generation = value
            }
            return generation
        } catch {
            throw DatabaseError(.queryFailed, "cannot read the store generation: \(DatabaseError.describe(error))")
        }
    }
}

/// The PostgreSQL store of activity definitions.
public typealias PostgresDefinitionStore = PostgresDocumentStore<ActivityDefinition>
