import Foundation
import Logging
import Testing

@testable import Definitions

/// `DocumentSync` over the in-memory store: the report, the generation and dry runs.
@Suite("DocumentSync")
struct DocumentSyncTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func load(_ files: [(String, String)]) -> LoadResult {
        LoadResult(roots: [
            LoadedRoot(
                root: "/r",
                identity: "/r",
                files: files.map { DefinitionFileParser.parse(text: $0.1, path: "/r/\($0.0)", relativePath: $0.0) }
            )
        ])
    }

    static let files = [
        ("a.yaml", "id: one\ntrigger: {type: cron, cron_expression: \"@daily\"}\n"),
        ("b.yaml", "id: two\ntrigger: {type: event, event_type: repo.push}\n"),
    ]

    @Test("first sync upserts, repeat sync changes nothing and keeps the generation")
    func repeatSync() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        let sync = DocumentSync(store: store)
        let first = try await sync.sync(load: Self.load(Self.files), logger: self.logger)
        #expect(first.upserted == 2)
        #expect(first.synced == 2)
        #expect(first.generation == 1)
        let second = try await sync.sync(load: Self.load(Self.files), logger: self.logger)
        #expect(second.upserted == 0)
        #expect(second.unchanged == 2)
        #expect(second.generation == 1)
        #expect(second.isNoOp)
    }

    @Test("a dry run reports the plan and writes nothing")
    func dryRun() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        let report = try await DocumentSync(store: store).sync(
            load: Self.load(Self.files), dryRun: true, logger: self.logger)
        #expect(report.upserted == 2)
        #expect(report.dryRun)
        #expect(store.applyCalls == 0)
        #expect(try await store.records().isEmpty)
        #expect(try await store.generation() == 0)
    }

    @Test("retire then revive")
    func retireAndRevive() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        let sync = DocumentSync(store: store)
        _ = try await sync.sync(load: Self.load(Self.files), logger: self.logger)
        let retired = try await sync.sync(load: Self.load([Self.files[0]]), logger: self.logger)
        #expect(retired.retired == 1)
        #expect(try await store.records().first { $0.id == "two" }?.isRetired == true)
        let revived = try await sync.sync(load: Self.load(Self.files), logger: self.logger)
        #expect(revived.changes == [DocumentChange(id: "two", action: .revive)])
        #expect(try await store.records().allSatisfy { !$0.isRetired })
        #expect(revived.generation == 3)
    }
}
