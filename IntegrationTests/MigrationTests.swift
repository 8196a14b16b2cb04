import Foundation
import Postgres
import PostgresNIO
import Testing

@Suite("Migrations against PostgreSQL")
struct MigrationTests {
    @Test("migrate applies every version once; a second run applies nothing")
    func idempotent() async throws {
        try await TestDatabase.withDatabase(migrated: false) { (database: ActivityDatabase) async throws in
            let migrator = Migrator(database: database)
            #expect(try await migrator.pending() == Migrations.all.map(\.version))
            #expect(try await migrator.migrate() == Migrations.all.map(\.version))
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await migrator.pending().isEmpty)
        }
    }

    @Test("concurrent migrations are serialised by the advisory lock")
    func concurrent() async throws {
        try await TestDatabase.withDatabase(migrated: false) { (database: ActivityDatabase) async throws in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Migrator(database: database).migrate() }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(applied.sorted() == Migrations.all.map(\.version))
            let rows = try await database.client.query(
                PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(database.table("schema_migrations"))"),
                logger: TestDatabase.logger
            )
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            #expect(count == Migrations.all.count)
        }
    }
}
