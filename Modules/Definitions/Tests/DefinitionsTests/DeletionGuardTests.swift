import Foundation
import Logging
import Testing

@testable import Definitions

/// The deletion guards of CONTRACT section 8 on the definitions side: roots that did not
/// load, the empty guard, unreadable rows, refused writes, broken links, lost triggers.
@Suite("Deletion guards: definitions")
struct DeletionGuardTests {
    typealias Plan = DocumentSyncPlan<ActivityDefinition>
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func root(_ files: [(String, String)], at identity: String = DocumentSyncPlanTests.rootPath) -> LoadedRoot {
        LoadedRoot(
            root: identity, identity: identity,
            files: files.map {
                DefinitionFileParser.parse(text: $0.1, path: "\(identity)/\($0.0)", relativePath: $0.0)
            })
    }

    static func stored(_ id: String, path: String, root: String = DocumentSyncPlanTests.rootPath) throws
        -> StoredRecord<ActivityDefinition>
    {
        try DocumentSyncPlanTests.stored(id, path: path, root: root)
    }

    @Test("switching to an empty root retires nothing from the old root, and says which root did not load")
    func emptyNewRoot() throws {
        let stored = [
            try Self.stored("a", path: "a.yaml", root: "/old"), try Self.stored("b", path: "b.yaml", root: "/old"),
        ]
        let plan = Plan(load: LoadResult(roots: [Self.root([], at: "/new")]), stored: stored)
        #expect(plan.changes.isEmpty)
        #expect(plan.rootsNotLoaded == ["/new"])
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("not loaded: /new") == true)
        #expect(plan.issues.isEmpty)
    }

    @Test("a root holding only documentation counts as not loaded, also with allow_empty")
    func documentationOnlyRoot() throws {
        let stored = [try Self.stored("a", path: "a.yaml", root: "/old")]
        let load = LoadResult(roots: [Self.root([("README.md", "# docs\n")], at: "/new")])
        let plan = Plan(load: load, stored: stored, allowEmpty: true)
        #expect(plan.changes.retirements.isEmpty)
        #expect(plan.rootsNotLoaded == ["/new"])
    }

    @Test("retiring every live definition is refused without allow_empty, done with it")
    func emptyGuard() throws {
        let stored = [try Self.stored("a", path: "a.yaml"), try Self.stored("b", path: "b.yaml")]
        // The root still loads (an event type), but none of the definitions is left.
        let load = LoadResult(roots: [Self.root([("types.yaml", "type: event-type\nid: repo.push\n")])])
        let refused = Plan(load: load, stored: stored)
        #expect(refused.changes.retirements.isEmpty)
        #expect(refused.entries.isEmpty)
        #expect(refused.emptyRefusal?.contains("refusing to retire all 2 live activity definition(s)") == true)
        let allowed = Plan(load: load, stored: stored, allowEmpty: true)
        #expect(allowed.changes.retirements == ["a", "b"])
        #expect(allowed.emptyRefusal == nil)
    }

    @Test("replacing every definition by new ones is not emptying: no refusal")
    func replaceAll() throws {
        let stored = [try Self.stored("hourly", path: "a.yaml")]
        let load = LoadResult(roots: [Self.root([("a.yaml", DocumentSyncPlanTests.cron("daily"))])])
        let plan = Plan(load: load, stored: stored)
        #expect(plan.changes.retirements == ["hourly"])
        #expect(plan.emptyRefusal == nil)
    }

    @Test("an unreadable stored row is reported, never retired, and replaced by a valid file of its id")
    func unreadableRows() throws {
        let row = UnreadableRecord(
            id: "broken", source: DefinitionSource(root: DocumentSyncPlanTests.rootPath, path: "x.yaml"),
            column: "spec", message: "missing key trigger.type")
        let stored = [try Self.stored("a", path: "a.yaml")]
        let load = LoadResult(roots: [Self.root([("a.yaml", DocumentSyncPlanTests.cron("a"))])])
        let plan = Plan(load: load, stored: stored, unreadable: [row])
        #expect(plan.changes.isEmpty)
        #expect(plan.issues.count == 1)
        #expect(
            plan.issues.first?.message.contains("stored activity definition broken cannot be read (column spec") == true
        )

        let back = LoadResult(roots: [
            Self.root([("a.yaml", DocumentSyncPlanTests.cron("a")), ("x.yaml", DocumentSyncPlanTests.cron("broken"))])
        ])
        let replaced = Plan(load: back, stored: stored, unreadable: [row])
        #expect(replaced.entries == [DocumentChange(id: "broken", action: .update)])
        #expect(replaced.issues.isEmpty)
        #expect(replaced.warnings.contains { $0.contains("broken cannot be read") && $0.contains("replaced by") })
    }

    @Test("a definition that loses its trigger is updated with a warning")
    func lostTrigger() throws {
        let stored = [try Self.stored("digest", path: "a.yaml")]
        let load = LoadResult(roots: [Self.root([("a.yaml", "id: digest\ntriger: {type: cron}\n")])])
        let plan = Plan(load: load, stored: stored)
        #expect(plan.entries == [DocumentChange(id: "digest", action: .update)])
        #expect(plan.warnings.contains { $0.contains("lost its cron trigger") })
        #expect(plan.warnings.contains { $0.contains("'triger' looks like 'trigger'") })
    }

    @Test("a store that refuses one document applies the others; the refusal names file and id")
    func storeRefusesOne() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        store.refuse(id: "bad", reason: "unsupported Unicode escape sequence (SQLSTATE 22P05)")
        let load = LoadResult(roots: [
            Self.root([("a.yaml", DocumentSyncPlanTests.cron("good")), ("b.yaml", DocumentSyncPlanTests.cron("bad"))])
        ])
        let report = try await DocumentSync(store: store).sync(load: load, logger: self.logger)
        #expect(report.upserted == 1)
        #expect(report.invalid == 1)
        #expect(report.storeFailures == 1)
        #expect(report.changes == [DocumentChange(id: "good", action: .create)])
        let issue = try #require(report.issues.first)
        #expect(issue.code == .store)
        #expect(issue.location.path.hasSuffix("/b.yaml"))
        #expect(issue.message.contains("activity definition bad cannot be stored"))
        #expect(try await store.records().map(\.id) == ["good"])
        #expect(report.generation == 1)
    }

    @Test("a symlink loop or a dangling link is an error of its path that protects what was stored from it")
    func brokenLinks() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("a.yaml", DocumentSyncPlanTests.cron("a"))
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: tree.path + "/loop.yaml", withDestinationPath: tree.path + "/loop.yaml")
        try manager.createSymbolicLink(
            atPath: tree.path + "/gone.yaml", withDestinationPath: tree.path + "/nowhere.yaml")
        try manager.createSymbolicLink(atPath: tree.path + "/folder", withDestinationPath: tree.path + "/no-folder")
        try manager.createSymbolicLink(atPath: tree.path + "/notes.txt", withDestinationPath: tree.path + "/nothing")
        let load = DefinitionLoader().load(roots: [tree.path])
        let root = try #require(load.roots.first)
        let broken = root.files.filter { !$0.isValid }
        #expect(broken.map(\.relativePath) == ["folder", "gone.yaml", "loop.yaml"])
        #expect(broken.allSatisfy { $0.issues.first?.code == .unresolvableLink })
        #expect(broken.first { $0.relativePath == "loop.yaml" }?.issues.first?.message.contains("symlink loop") == true)
        #expect(broken.first { $0.relativePath == "gone.yaml" }?.issues.first?.message.contains("dangling") == true)

        let stored = [
            try Self.stored("a", path: "a.yaml", root: root.identity),
            try Self.stored("looped", path: "loop.yaml", root: root.identity),
            try Self.stored("dangling", path: "gone.yaml", root: root.identity),
            try Self.stored("nested", path: "folder/deep/x.yaml", root: root.identity),
            try Self.stored("removed", path: "removed.yaml", root: root.identity),
        ]
        let plan = Plan(load: load, stored: stored)
        #expect(plan.changes.retirements == ["removed"])
        #expect(plan.issues.count == 3)
    }
}
