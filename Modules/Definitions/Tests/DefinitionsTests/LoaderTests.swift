import Foundation
import Testing

@testable import Definitions

/// `DefinitionLoader` over real folders: which files are read, root problems, duplicate ids.
@Suite("DefinitionLoader")
struct LoaderTests {
    static func definition(_ id: String) -> String {
        "id: \(id)\ntrigger: {type: cron, cron_expression: \"@daily\"}\n"
    }

    static func ids(_ root: LoadedRoot) -> [String] {
        root.files.flatMap { $0.documents.map(\.document.id) }
    }

    @Test("a root with activity-definitions/ and event-types/ reads only those folders")
    func definitionFolders() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("stray.yaml", Self.definition("stray"))
        try tree.write("other/ignored.yaml", Self.definition("other"))
        try tree.write("activity-definitions/daily.yaml", Self.definition("daily"))
        try tree.write("activity-definitions/nested/deep.yml", Self.definition("deep"))
        try tree.write("activity-definitions/notes.md", "# Notes\n\nNo front matter.\n")
        try tree.write("event-types/repo.push.yaml", "type: event-type\nid: repo.push\n")

        let result = DefinitionLoader().load(roots: [tree.path])
        let root = try #require(result.roots.first)
        #expect(root.root == tree.path)
        #expect(root.identity == tree.path)
        #expect(
            root.files.map(\.relativePath) == [
                "activity-definitions/daily.yaml", "activity-definitions/nested/deep.yml",
                "activity-definitions/notes.md", "event-types/repo.push.yaml",
            ])
        #expect(root.files.first?.path == tree.path + "/activity-definitions/daily.yaml")
        #expect(Self.ids(root) == ["daily", "deep", "repo.push"])
        #expect(result.allIssues.isEmpty)
        #expect(root.isComplete)
    }

    @Test("a root with only event-types/ reads only that folder")
    func onlyEventTypes() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("stray.yaml", Self.definition("stray"))
        try tree.write("event-types/tag.yaml", "type: event-type\nid: repo.tag\n")
        let root = DefinitionLoader().load(root: tree.path)
        #expect(root.files.map(\.relativePath) == ["event-types/tag.yaml"])
        #expect(Self.ids(root) == ["repo.tag"])
    }

    @Test("a root without the definition folders is read recursively, skipping hidden and foreign files")
    func recursiveRoot() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("a.yaml", Self.definition("a"))
        try tree.write("sub/b.yml", Self.definition("b"))
        try tree.write("sub/deeper/c.md", "---\nid: c\ntype: activity-definition\n---\nBody\n")
        try tree.write(".hidden.yaml", Self.definition("hidden-file"))
        try tree.write("sub/.draft.yml", Self.definition("hidden-draft"))
        try tree.write(".git/config.yaml", Self.definition("hidden-folder"))
        try tree.write("sub/.cache/deep/x.yaml", Self.definition("hidden-deep"))
        try tree.write("notes.txt", Self.definition("text-file"))
        try tree.write("data.json", "{\"id\": \"json-file\"}")
        try tree.write("sub/script.sh", "id: shell\n")

        let root = DefinitionLoader().load(root: tree.path)
        #expect(root.files.map(\.relativePath) == ["a.yaml", "sub/b.yml", "sub/deeper/c.md"])
        #expect(
            root.files.map(\.path) == [tree.path + "/a.yaml", tree.path + "/sub/b.yml", tree.path + "/sub/deeper/c.md"])
        #expect(Self.ids(root) == ["a", "b", "c"])
        #expect(root.issues.isEmpty)
    }

    @Test("a root written with a trailing slash gives clean paths")
    func trailingSlash() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("a.yaml", Self.definition("a"))
        let root = DefinitionLoader().load(root: tree.path + "/")
        #expect(root.identity == tree.path)
        #expect(root.files.map(\.path) == [tree.path + "/a.yaml"])
    }

    @Test("an id defined twice in one file is reported on each copy")
    func duplicateInOneFile() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("both.yaml", "id: twin\n---\nid: twin\n")
        let issues = DefinitionLoader().load(roots: [tree.path]).allIssues
        #expect(issues.map(\.code) == [.duplicateID, .duplicateID])
        #expect(issues.map(\.location.line) == [1, 3])
        #expect(issues.first?.message.contains("(also at \(tree.path)/both.yaml:3:5)") == true)
    }

    @Test("a missing root is an issue of that root")
    func missingRoot() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)").path
        let result = DefinitionLoader().load(roots: [path])
        let root = try #require(result.roots.first)
        #expect(root.files.isEmpty)
        #expect(!root.isComplete)
        #expect(result.allIssues.count == 1)
        let issue = try #require(result.allIssues.first)
        #expect(issue.code == .missingRoot)
        #expect(issue.location == Definitions.SourceLocation(path: path, line: 1, column: 1))
        #expect(issue.description == "\(path):1:1: definition root does not exist")
    }

    @Test("a single file given as root is read")
    func singleFileRoot() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("single.yaml", Self.definition("single"))
        let path = tree.path + "/single.yaml"
        let root = DefinitionLoader().load(root: path)
        #expect(root.files.map(\.relativePath) == ["single.yaml"])
        #expect(root.files.map(\.path) == [path])
        #expect(root.identity == tree.path)
        #expect(Self.ids(root) == ["single"])
        #expect(root.issues.isEmpty)
    }

    @Test("an id defined in two files is reported on each copy")
    func duplicateIDs() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("a.yaml", Self.definition("dup"))
        try tree.write("b.yaml", "name: Again\nid: dup\n")
        try tree.write("c.yaml", Self.definition("unique"))
        let result = DefinitionLoader().load(roots: [tree.path])
        let issues = result.allIssues
        #expect(issues.count == 2)
        #expect(issues.allSatisfy { $0.code == .duplicateID })
        #expect(issues.map(\.location.path) == [tree.path + "/a.yaml", tree.path + "/b.yaml"])
        #expect(issues.map(\.location.line) == [1, 2])
        #expect(issues.map(\.location.column) == [5, 5])
        #expect(
            issues.first?.description
                == "\(tree.path)/a.yaml:1:5: activity definition id \"dup\" is defined 2 times "
                + "(also at \(tree.path)/b.yaml:2:5); every copy is ignored")
        #expect(
            issues.last?.description
                == "\(tree.path)/b.yaml:2:5: activity definition id \"dup\" is defined 2 times "
                + "(also at \(tree.path)/a.yaml:1:5); every copy is ignored")
    }

    @Test("an event type id defined twice is reported as an event type")
    func duplicateEventTypes() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("event-types/a.yaml", "type: event-type\nid: repo.push\n")
        try tree.write("event-types/b.md", "---\ntype: event-type\ntype_id: repo.push\n---\n")
        let issues = DefinitionLoader().load(roots: [tree.path]).allIssues
        #expect(issues.map(\.code) == [.duplicateID, .duplicateID])
        #expect(issues.map(\.location.line) == [2, 3])
        #expect(issues.allSatisfy { $0.message.hasPrefix("event type id \"repo.push\" is defined 2 times") })
    }

    @Test("the same id as a definition and as an event type is no duplicate")
    func sameIDAcrossKinds() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("a.yaml", Self.definition("shared"))
        try tree.write("b.yaml", "type: event-type\nid: shared\n")
        #expect(DefinitionLoader().load(roots: [tree.path]).allIssues.isEmpty)
    }

    @Test("an issue reads path:line:column: message")
    func issueDescription() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write(
            "zone.yaml", "id: zone\ntrigger:\n  type: cron\n  cron_expression: \"@daily\"\n  timezone: Mars/Olympus\n")
        let issues = DefinitionLoader().load(roots: [tree.path]).allIssues
        #expect(
            issues.map(\.description) == [
                "\(tree.path)/zone.yaml:5:13: unknown IANA time zone \"Mars/Olympus\" "
                    + "(names of the tz database \(TimeZoneNames.version), for example UTC, Europe/Berlin, America/New_York)"
            ])
    }

    @Test("fifty broken files give exactly fifty located issues")
    func fiftyBrokenFiles() throws {
        let all =
            MarkdownTests.broken + DocumentTests.broken + TriggerValidationTests.broken
            + ActionValidationTests.broken
        try #require(all.count >= 50)
        let cases = Array(all.prefix(50))
        #expect(Set(cases.map(\.name)).count == 50)
        let tree = try TemporaryTree()
        defer { tree.remove() }
        for (index, broken) in cases.enumerated() {
            try tree.write("broken-\(index + 100).\(broken.fileExtension)", broken.text)
        }
        let result = DefinitionLoader().load(roots: [tree.path])
        let root = try #require(result.roots.first)
        #expect(root.files.count == 50)
        #expect(result.allIssues.count == 50)
        #expect(Set(result.allIssues.map(\.location.path)).count == 50)
        #expect(root.files.allSatisfy { $0.documents.isEmpty })
        for (index, broken) in cases.enumerated() {
            let relative = "broken-\(index + 100).\(broken.fileExtension)"
            let file = try #require(root.files.first { $0.relativePath == relative }, "\(broken.name)")
            try Fixture.expectOnlyIssue(broken, in: file.issues, path: tree.path + "/" + relative)
        }
    }
}
