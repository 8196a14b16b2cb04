import Definitions
import Foundation
import PostgresNIO
import Sync

/// The audit of admin changes in the `admin_audit` table, newest `keep` rows kept.
public struct PostgresAuditLog: AuditLog {
    public static let keep = 100_000

    public let database: ActivityDatabase

    public init(database: ActivityDatabase) {
        self.database = database
    }

    var table: String { self.database.table("admin_audit") }

    public func record(_ entry: AuditEntry) async throws {
        let parameters = String(decoding: try JSONEncoder().encode(entry.parameters), as: UTF8.self)
        let outcome = String(decoding: entry.outcome.canonicalJSON(), as: UTF8.self)
        var query = PostgresQuery(
            unsafeSQL: """
                WITH written AS (
                    INSERT INTO \(self.table) (at, token_name, client, method, path, parameters, status, outcome)
                    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb) RETURNING id
                )
                DELETE FROM \(self.table) WHERE id <= (SELECT id FROM written) - $9
                """
        )
        query.binds.append(entry.at)
        query.binds.append(entry.tokenName)
        query.binds.append(entry.client)
        query.binds.append(entry.method)
        query.binds.append(entry.path)
        query.binds.append(parameters)
        query.binds.append(entry.status)
        query.binds.append(outcome)
        query.binds.append(Self.keep)
        do {
            _ = try await self.database.client.query(query, logger: self.database.logger).collect()
        } catch {
            throw DatabaseError(.queryFailed, "cannot write the audit: \(DatabaseError.describe(error))", cause: error)
        }
    }

    public func recent(limit: Int) async throws -> [AuditEntry] {
        var query = PostgresQuery(
            unsafeSQL: """
                SELECT at, token_name, client, method, path, parameters::text, status, outcome::text
                FROM \(self.table) ORDER BY id DESC LIMIT $1
                """
        )
        query.binds.append(limit)
        do {
            var entries: [AuditEntry] = []
            let rows = try await self.database.client.query(query, logger: self.database.logger)
            for try await (at, token, client, method, path, parameters, status, outcome) in rows.decode(
                (Date, String, String, String, String, String, Int, String).self)
            {
                entries.append(
                    AuditEntry(
                        at: at, tokenName: token, client: client, method: method, path: path,
                        parameters: (try? JSONDecoder().decode([String: String].self, from: Data(parameters.utf8)))
                            ?? [:],
                        status: status, outcome: (try? JSONValue.parse(Data(outcome.utf8))) ?? .null))
            }
            return entries
        } catch {
            throw DatabaseError(.queryFailed, "cannot read the audit: \(DatabaseError.describe(error))", cause: error)
        }
    }
}
