import Foundation
import Testing

@testable import Definitions

/// The safety rules of CONTRACT section 3, decided without I/O.
@Suite("DocumentSyncPlan")
struct DocumentSyncPlanTests {
    static let rootPath = "/repo/definitions"

    static func cron(_ id: String, _ expression: String = "0 * * * *", enabled: Bool = true) -> String {
        """
        id: \(id)
        enabled: \(enabled)
        trigger: {type: cron, cron_expression: "\(expression)"}

        """
    }

    static func file(_ name: String, _ text: String) -> ParsedFile {
        DefinitionFileParser.parse(text: text, path: "\(Self.rootPath)/\(name)", relativePath: name)
    }

    static func root(_ files: [ParsedFile], issues: [DefinitionIssue] = [], identity: String = rootPath) -> LoadedRoot {
        LoadedRoot(root: identity, identity: identity, files: files, issues: issues)
    }

    static func stored(
        _ id: String, path: String, expression: String = "0 * * * *", retired: Bool = false, root: String = rootPath
    )
        throws -> StoredRecord<ActivityDefinition>
    {
        let parsed = Self.file(path, Self.cron(id, expression))
        let document = try #require(parsed.documents.first?.document)
        let definition = try #require(ActivityDefinition(document))
        return StoredRecord(
            document: definition,
            source: DefinitionSource(root: root, path: path),
            retiredAt: retired ? Date(timeIntervalSince1970: 0) : nil
        )
    }

    @Test("new, changed, unchanged and revived definitions")
    func upserts() throws {
        let load = LoadResult(roots: [
            Self.root([
                Self.file("a.yaml", Self.cron("new-one")),
                Self.file("b.yaml", Self.cron("changed", "0 6 * * *")),
                Self.file("c.yaml", Self.cron("same")),
                Self.file("d.yaml", Self.cron("back")),
            ])
        ])
        let stored = [
            try Self.stored("changed", path: "b.yaml"),
            try Self.stored("same", path: "c.yaml"),
            try Self.stored("back", path: "d.yaml", retired: true),
        ]
        let plan = DocumentSyncPlan<ActivityDefinition>(load: load, stored: stored)
        #expect(
            plan.entries == [
                DocumentChange(id: "back", action: .revive),
                DocumentChange(id: "changed", action: .update),
                DocumentChange(id: "new-one", action: .create),
            ])
        #expect(plan.unchanged == 1)
        #expect(plan.synced == 4)
        #expect(plan.changes.retirements.isEmpty)
        #expect(plan.issues.isEmpty)
    }

    @Test("a repeat plan over what is stored changes nothing")
    func repeatIsNoOp() throws {
        let load = LoadResult(roots: [
            Self.root([Self.file("a.yaml", Self.cron("one")), Self.file("b.yaml", Self.cron("two"))])
        ])
        let first = DocumentSyncPlan<ActivityDefinition>(load: load, stored: [])
        let second = DocumentSyncPlan<ActivityDefinition>(load: load, stored: first.changes.upserts)
        #expect(first.upserted == 2)
        #expect(second.changes.isEmpty)
        #expect(second.unchanged == 2)
    }

    @Test("a definition gone from files that all parsed is retired")
    func retires() throws {
        let load = LoadResult(roots: [Self.root([Self.file("a.yaml", Self.cron("kept"))])])
        let stored = [try Self.stored("kept", path: "a.yaml"), try Self.stored("gone", path: "old.yaml")]
        let plan = DocumentSyncPlan<ActivityDefinition>(load: load, stored: stored)
        #expect(plan.changes.retirements == ["gone"])
        #expect(plan.entries == [DocumentChange(id: "gone", action: .retire)])
    }

    @Test("an already retired definition is not retired again")
    func retiredStaysQuiet() throws {
        let load = LoadResult(roots: [Self.root([Self.file("a.yaml", Self.cron("kept"))])])
        let stored = [
            try Self.stored("kept", path: "a.yaml"), try Self.stored("gone", path: "old.yaml", retired: true),
        ]
        let plan = DocumentSyncPlan<ActivityDefinition>(load: load, stored: stored)
        #expect(plan.changes.isEmpty)
    }

    @Test("a broken file keeps the stored state of everything it held")
    func brokenFileKeepsState() throws {
        // b.yaml held "held" and now fails to parse; "named" moved into the broken file.
        let load = LoadResult(roots: [
            Self.root([
                Self.file("a.yaml", Self.cron("other", "5 * * * *")),
                Self.file(
                    "b.yaml",
                    "id: held\ntrigger: {type: cron, cron_expression: \"0 99 * * *\"}\n---\nid: named\n  bad: [\n"),
            ])
        ])
        let stored = [
            try Self.stored("held", path: "b.yaml"),
            try Self.stored("named", path: "c.yaml"),
            try Self.stored("other", path: "a.yaml"),
        ]
        let plan = DocumentSyncPlan<ActivityDefinition>(load: load, stored: stored)
        #expect(plan.changes.retirements.isEmpty)
        #expect(plan.entries == [DocumentChange(id: "other", action: .update)])
        #expect(plan.invalid >= 1)
        #expect(!plan.issues.isEmpty)
        #expect(plan.issues.allSatisfy { $0.location.path.hasSuffix("b.yaml") })
    }

    @Test("a valid document in a file with a broken one is not applied")
    func partiallyBrokenFileAppliesNothing() throws {
        let text = Self.cron("good") + "---\n" + Self.cron("bad", "61 * * * *")
        let load = LoadResult(roots: [Self.root([Self.file("mixed.yaml", text)])])
        let plan = DocumentSyncPlan<ActivityDefinition>(
            load: load, stored: [try Self.stored("good", path: "mixed.yaml", expression: "1 * * * *")])
        #expect(plan.changes.isEmpty)
        #expect(plan.invalid == 2)
    }

    @Test("an id defined twice is invalid everywhere and keeps its stored state")
    func duplicates() throws {
        let load = LoadResult(roots: [
            Self.root([
                Self.file("a.yaml", Self.cron("twice", "1 * * * *")),
                Self.file("b.yaml", Self.cron("twice", "2 * * * *")),
                Self.file("c.yaml", Self.cron("single")),
            ])
        ])
        let plan = DocumentSyncPlan<ActivityDefinition>(load: load, stored: [try Self.stored("twice", path: "a.yaml")])
        #expect(plan.entries == [DocumentChange(id: "single", action: .create)])
        #expect(plan.invalid == 2)
        #expect(plan.issues.filter { $0.code == .duplicateID }.count == 2)
    }

    @Test("a missing or unreadable root retires nothing from it")
    func incompleteRoot() throws {
        let missing = Self.root(
            [], issues: [DefinitionIssue(.missingRoot, at: SourceLocation(path: Self.rootPath), "missing")])
        let plan = DocumentSyncPlan<ActivityDefinition>(
            load: LoadResult(roots: [missing]), stored: [try Self.stored("kept", path: "a.yaml")])
        #expect(plan.changes.isEmpty)
        #expect(plan.issues.map(\.code) == [.missingRoot])
    }

    @Test("a root that yields no documents while the store holds live ones retires nothing")
    func emptyRoot() throws {
        let empty = Self.root([Self.file("README.md", "# nothing here\n")])
        let plan = DocumentSyncPlan<ActivityDefinition>(
            load: LoadResult(roots: [empty]), stored: [try Self.stored("kept", path: "a.yaml")])
        #expect(plan.changes.isEmpty)
        #expect(plan.issues.map(\.code) == [.emptyRoot])
    }

    @Test("an empty root with nothing live stored is not an error")
    func emptyRootWithoutStoredIsFine() throws {
        let empty = Self.root([])
        let plan = DocumentSyncPlan<ActivityDefinition>(
            load: LoadResult(roots: [empty]), stored: [try Self.stored("old", path: "a.yaml", retired: true)])
        #expect(plan.changes.isEmpty)
        #expect(plan.issues.isEmpty)
    }

    @Test("a root holding only event types is not empty: its definitions are retired (when emptying is allowed)")
    func eventTypesOnlyRoot() throws {
        let root = Self.root([Self.file("types.yaml", "type: event-type\nid: repo.push\n")])
        let plan = DocumentSyncPlan<ActivityDefinition>(
            load: LoadResult(roots: [root]), stored: [try Self.stored("gone", path: "a.yaml")], allowEmpty: true)
        #expect(plan.changes.retirements == ["gone"])
        #expect(plan.emptyRefusal == nil)
    }

    @Test("one failing root does not stop another root's retirements")
    func rootsAreIndependent() throws {
        let other = "/repo/other"
        let good = Self.root([Self.file("a.yaml", Self.cron("kept"))])
        let missing = Self.root(
            [], issues: [DefinitionIssue(.missingRoot, at: SourceLocation(path: other), "missing")], identity: other)
        let stored = [
            try Self.stored("kept", path: "a.yaml"),
            try Self.stored("gone", path: "b.yaml"),
            try Self.stored("elsewhere", path: "x.yaml", root: other),
        ]
        let plan = DocumentSyncPlan<ActivityDefinition>(load: LoadResult(roots: [good, missing]), stored: stored)
        #expect(plan.changes.retirements == ["gone"])
    }

    @Test("definitions from a root no longer configured are retired only when every configured root loaded")
    func unconfiguredRoot() throws {
        let stored = [
            try Self.stored("kept", path: "a.yaml"), try Self.stored("old-root", path: "x.yaml", root: "/old"),
        ]
        let complete = LoadResult(roots: [Self.root([Self.file("a.yaml", Self.cron("kept"))])])
        #expect(
            DocumentSyncPlan<ActivityDefinition>(load: complete, stored: stored).changes.retirements == ["old-root"])

        let missing = Self.root(
            [], issues: [DefinitionIssue(.missingRoot, at: SourceLocation(path: "/b"), "missing")], identity: "/b")
        let partial = LoadResult(roots: [Self.root([Self.file("a.yaml", Self.cron("kept"))]), missing])
        let plan = DocumentSyncPlan<ActivityDefinition>(load: partial, stored: stored)
        #expect(plan.changes.retirements.isEmpty)
        #expect(plan.warnings.count == 1)
    }

    @Test("a definition moved to another file is an update of its source, not a retirement")
    func moved() throws {
        let load = LoadResult(roots: [Self.root([Self.file("new-place.yaml", Self.cron("moved"))])])
        let plan = DocumentSyncPlan<ActivityDefinition>(
            load: load, stored: [try Self.stored("moved", path: "old-place.yaml")])
        #expect(plan.entries == [DocumentChange(id: "moved", action: .update)])
        #expect(plan.changes.upserts.first?.source.path == "new-place.yaml")
    }

    @Test("event types are planned from the same load, apart from definitions")
    func eventTypes() throws {
        let load = LoadResult(roots: [
            Self.root([
                Self.file(
                    "all.yaml", Self.cron("def") + "---\ntype: event-type\nid: repo.push\nsubject: gitea.repo.push\n")
            ])
        ])
        let plan = DocumentSyncPlan<EventTypeDefinition>(load: load, stored: [])
        #expect(plan.entries == [DocumentChange(id: "repo.push", action: .create)])
        #expect(plan.changes.upserts.first?.document.subject == "gitea.repo.push")
    }
}
