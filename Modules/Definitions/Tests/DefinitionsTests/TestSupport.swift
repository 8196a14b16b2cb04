import Foundation
import Testing

@testable import Definitions

/// Shared helpers for the validation suites: parse text in memory and pick out what it yields.
enum Fixture {
    static let yamlPath = "/defs/activity-definitions/test.yaml"
    static let markdownPath = "/defs/activity-definitions/test.md"

    static func parse(_ text: String, path: String = Fixture.yamlPath) -> ParsedFile {
        DefinitionFileParser.parse(text: text, path: path, relativePath: URL(fileURLWithPath: path).lastPathComponent)
    }

    /// The only document of a file that must be valid.
    static func document(
        _ text: String,
        path: String = Fixture.yamlPath,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> LocatedDocument {
        let file = Self.parse(text, path: path)
        #expect(file.issues.map(\.description) == [], sourceLocation: sourceLocation)
        try #require(file.documents.count == 1, sourceLocation: sourceLocation)
        return try #require(file.documents.first, sourceLocation: sourceLocation)
    }

    /// The only document of a file, which must be a valid activity definition.
    static func definition(
        _ text: String,
        path: String = Fixture.yamlPath,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> ActivityDefinition {
        let located = try Self.document(text, path: path, sourceLocation: sourceLocation)
        return try #require(ActivityDefinition(located.document), sourceLocation: sourceLocation)
    }

    /// The only document of a file, which must be a valid event type.
    static func eventType(
        _ text: String,
        path: String = Fixture.yamlPath,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> EventTypeDefinition {
        let located = try Self.document(text, path: path, sourceLocation: sourceLocation)
        return try #require(EventTypeDefinition(located.document), sourceLocation: sourceLocation)
    }

    /// The cron trigger of a valid definition.
    static func cronTrigger(
        _ text: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CronTrigger {
        let definition = try Self.definition(text, sourceLocation: sourceLocation)
        guard case .cron(let trigger) = definition.trigger else {
            Issue.record("expected a cron trigger, got \(String(describing: definition.trigger))")
            throw FixtureError.wrongKind
        }
        return trigger
    }

    /// The event trigger of a valid definition.
    static func eventTrigger(
        _ text: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> EventTrigger {
        let definition = try Self.definition(text, sourceLocation: sourceLocation)
        guard case .event(let trigger) = definition.trigger else {
            Issue.record("expected an event trigger, got \(String(describing: definition.trigger))")
            throw FixtureError.wrongKind
        }
        return trigger
    }

    /// The action of a valid definition.
    static func action(
        _ text: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> ActivityAction {
        try #require(try Self.definition(text, sourceLocation: sourceLocation).action, sourceLocation: sourceLocation)
    }

    /// Checks that a file yields exactly the one issue `broken` describes, and no document.
    static func expectOnlyIssue(
        _ broken: BrokenCase,
        path: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let path = path ?? "/defs/broken.\(broken.fileExtension)"
        let file = Self.parse(broken.text, path: path)
        #expect(file.documents.isEmpty, sourceLocation: sourceLocation)
        try Self.expectOnlyIssue(broken, in: file.issues, path: path, sourceLocation: sourceLocation)
    }

    /// Checks that `issues` is exactly the one issue `broken` describes.
    static func expectOnlyIssue(
        _ broken: BrokenCase,
        in issues: [DefinitionIssue],
        path: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        #expect(issues.count == 1, "issues: \(issues.map(\.description))", sourceLocation: sourceLocation)
        let issue = try #require(issues.first, sourceLocation: sourceLocation)
        #expect(issue.code == broken.code, sourceLocation: sourceLocation)
        #expect(issue.location.path == path, sourceLocation: sourceLocation)
        #expect(issue.location.line == broken.line, "\(issue)", sourceLocation: sourceLocation)
        #expect(issue.location.column == broken.column, "\(issue)", sourceLocation: sourceLocation)
        #expect(issue.message.contains(broken.fragment), "message: \(issue.message)", sourceLocation: sourceLocation)
    }
}

enum FixtureError: Error {
    case wrongKind
}

/// A file with exactly one error, and where and how it must be reported.
struct BrokenCase: Sendable, CustomTestStringConvertible {
    var name: String
    var code: DefinitionIssue.Code
    var line: Int
    var column: Int
    var fragment: String
    var fileExtension: String
    var text: String

    init(
        _ name: String,
        _ code: DefinitionIssue.Code,
        at line: Int,
        _ column: Int,
        _ fragment: String,
        fileExtension: String = "yaml",
        _ text: String
    ) {
        self.name = name
        self.code = code
        self.line = line
        self.column = column
        self.fragment = fragment
        self.fileExtension = fileExtension
        self.text = text
    }

    var testDescription: String { self.name }
}

/// A folder under the system temporary directory, removed by `remove()`.
struct TemporaryTree {
    let root: URL

    init() throws {
        self.root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "definitions-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
    }

    /// The root as a path without a trailing slash.
    var path: String { self.root.path }

    /// Writes `text` at `relative`, creating folders on the way.
    func write(_ relative: String, _ text: String) throws {
        let url = self.root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.root)
    }
}
