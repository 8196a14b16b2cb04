import Definitions
import Foundation
import Logging
import Postgres
import Sync
import Testing

/// The safety rules of CONTRACT section 3 against the real PostgreSQL store.
@Suite("Definition sync against PostgreSQL")
struct DefinitionSyncIntegrationTests {
    static func cron(_ id: String, _ expression: String = "0 * * * *") -> String {
        "type: activity-definition\nid: \(id)\ntrigger:\n  type: cron\n  cron_expression: \"\(expression)\"\n"
    }

    static func sync(_ folder: borrowing TemporaryFolder, _ database: ActivityDatabase, root: String? = nil)
        async throws -> DocumentSyncReport
    {
        try await DocumentSync(store: PostgresDefinitionStore(database: database))
            .sync(roots: [root ?? folder.path], logger: TestDatabase.logger)
    }

    static func record(_ id: String, _ database: ActivityDatabase) async throws -> StoredRecord<ActivityDefinition>? {
        try await PostgresDefinitionStore(database: database).records().first { $0.id == id }
    }

    @Test("first sync stores, a repeat sync reports zero upserts and keeps the generation")
    func repeatSync() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write("a.yaml", Self.cron("alpha"))
            try folder.write("nested/b.md", "---\n" + Self.cron("beta") + "context_sources: [x]\n---\nBody text.\n")
            let first = try await Self.sync(folder, database)
            #expect(first.upserted == 2)
            #expect(first.generation == 1)
            let stored = try #require(try await Self.record("beta", database))
            #expect(stored.document.body == "Body text.\n")
            #expect(stored.document.document["context_sources"] == .array([.string("x")]))
            #expect(stored.source.path == "nested/b.md")

            let second = try await Self.sync(folder, database)
            #expect(second.upserted == 0)
            #expect(second.unchanged == 2)
            #expect(second.generation == 1)
            #expect(try await PostgresDefinitionStore(database: database).generation() == 1)
        }
    }

    @Test("a store reads a row another replica changed as it is now, not as it decoded it before")
    func readsOtherReplicasWrites() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write("a.yaml", Self.cron("alpha"))
            try folder.write("b.yaml", Self.cron("beta"))
            _ = try await Self.sync(folder, database)
            let store = PostgresDefinitionStore(database: database)
            func crons() async throws -> [String: String] {
                var crons: [String: String] = [:]
                for record in try await store.contents().records {
                    if case .cron(let trigger) = record.document.trigger { crons[record.id] = trigger.cronExpression }
                }
                return crons
            }
            #expect(try await crons() == ["alpha": "0 * * * *", "beta": "0 * * * *"])
            // Another replica (another store) writes alpha daily.
            try folder.write("a.yaml", Self.cron("alpha", "0 6 * * *"))
            #expect(try await Self.sync(folder, database).upserted == 1)
            #expect(try await crons() == ["alpha": "0 6 * * *", "beta": "0 * * * *"])
            #expect(try await crons() == ["alpha": "0 6 * * *", "beta": "0 * * * *"])
        }
    }

    @Test("a broken file keeps its definitions' stored state")
    func brokenFileKeepsState() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write("a.yaml", Self.cron("alpha"))
            try folder.write("b.yaml", Self.cron("beta"))
            _ = try await Self.sync(folder, database)
            let before = try #require(try await Self.record("beta", database))

            try folder.write("b.yaml", Self.cron("beta", "0 25 * * *"))
            let report = try await Self.sync(folder, database)
            #expect(report.invalid == 1)
            #expect(report.retired == 0)
            #expect(report.upserted == 0)
            #expect(report.issues.first?.description.contains("b.yaml:5:") == true)
            let after = try #require(try await Self.record("beta", database))
            #expect(after.contentHash == before.contentHash)
            #expect(!after.isRetired)
        }
    }

    @Test("a removed definition is retired, and revived when it comes back")
    func retireAndRevive() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write("a.yaml", Self.cron("alpha"))
            try folder.write("b.yaml", Self.cron("beta"))
            _ = try await Self.sync(folder, database)

            try folder.remove("b.yaml")
            let retired = try await Self.sync(folder, database)
            #expect(retired.retired == 1)
            #expect(try await Self.record("beta", database)?.isRetired == true)

            try folder.write("b.yaml", Self.cron("beta"))
            let revived = try await Self.sync(folder, database)
            #expect(revived.changes == [DocumentChange(id: "beta", action: .revive)])
            #expect(try await Self.record("beta", database)?.isRetired == false)
            #expect(revived.generation == 3)
        }
    }

    @Test("an empty root and a missing root retire nothing")
    func emptyAndMissingRoots() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write("a.yaml", Self.cron("alpha"))
            _ = try await Self.sync(folder, database)

            try folder.remove("a.yaml")
            try folder.write("README.md", "# half-cloned checkout\n")
            let empty = try await Self.sync(folder, database)
            #expect(empty.retired == 0)
            #expect(empty.issues.map(\.code) == [.emptyRoot])

            let missing = try await Self.sync(folder, database, root: folder.path + "/does-not-exist")
            #expect(missing.retired == 0)
            #expect(missing.issues.map(\.code) == [.missingRoot])
            #expect(try await Self.record("alpha", database)?.isRetired == false)
            #expect(try await PostgresDefinitionStore(database: database).generation() == 1)
        }
    }

    @Test("a dry run writes nothing")
    func dryRun() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write("a.yaml", Self.cron("alpha"))
            let store = PostgresDefinitionStore(database: database)
            let report = try await DocumentSync(store: store).sync(
                roots: [folder.path], dryRun: true, logger: TestDatabase.logger)
            #expect(report.upserted == 1)
            #expect(try await store.records().isEmpty)
            #expect(try await store.generation() == 0)
        }
    }

    @Test("event types sync into their own table with the same rules")
    func eventTypes() async throws {
        try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
            let folder = try TemporaryFolder()
            try folder.write(
                "event-types/repo.yaml", "type: event-type\ntype_id: repo.push\nsubject: gitea.repo.push\n")
            try folder.write("activity-definitions/a.yaml", Self.cron("alpha"))
            let store = PostgresDocumentStore<EventTypeDefinition>(database: database)
            let report = try await DocumentSync(store: store).sync(roots: [folder.path], logger: TestDatabase.logger)
            #expect(report.upserted == 1)
            #expect(try await store.records().map(\.document.subject) == ["gitea.repo.push"])
            #expect(try await PostgresDefinitionStore(database: database).records().isEmpty)
        }
    }
}
