import Foundation
import Testing

@testable import Definitions

/// Top-level keys, identities, document types and multi-document YAML files.
@Suite("Documents")
struct DocumentTests {
    static let uuid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    static let longestID = "a" + String(repeating: "b", count: 127)

    @Test(
        "valid identifiers",
        arguments: [
            "a", "Z", "0", "coulomb-daily-digest", "repo.push", "a_b.c-d", "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
            DocumentTests.uuid, DocumentTests.longestID,
        ]
    )
    func validIdentifier(_ id: String) throws {
        #expect(Identifier.isValid(id))
        let definition = try Fixture.definition("id: \"\(id)\"\n")
        #expect(definition.id == id)
        #expect(definition.name == id)
    }

    @Test(
        "invalid identifiers",
        arguments: ["", "-abc", "_abc", ".abc", "a b", "a/b", "a:b", "café", "a*", DocumentTests.longestID + "c"]
    )
    func invalidIdentifier(_ id: String) throws {
        #expect(!Identifier.isValid(id))
        let file = Fixture.parse("name: Something\nid: \"\(id)\"\n")
        #expect(file.documents.isEmpty)
        #expect(file.issues.count == 1)
        let issue = try #require(file.issues.first)
        #expect(issue.code == .invalidValue)
        #expect(issue.location.line == 2)
        #expect(issue.location.column == 5)
        #expect(issue.message.contains("must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"))
    }

    @Test("an id of 128 characters is accepted, 129 refused")
    func identifierLength() {
        #expect(DocumentTests.longestID.count == 128)
        #expect(Identifier.isValid(DocumentTests.longestID))
        #expect(!Identifier.isValid(DocumentTests.longestID + "x"))
    }

    @Test("a full definition is read and located at its id")
    func fullDefinition() throws {
        let located = try Fixture.document(
            """
            type: activity-definition
            id: coulomb-daily-digest
            name: Coulomb daily digest
            version: "1.0"
            enabled: false
            owner: coulomb-loop
            trigger: {type: cron, cron_expression: "0 6 * * *", timezone: Europe/Berlin}
            action: {type: echo}
            input: {window: 24h, sizes: [1, 2.5], strict: true, note: ~}
            """)
        #expect(located.location == Definitions.SourceLocation(path: Fixture.yamlPath, line: 2, column: 5))
        let definition = try #require(ActivityDefinition(located.document))
        #expect(definition.id == "coulomb-daily-digest")
        #expect(definition.name == "Coulomb daily digest")
        #expect(definition.version == "1.0")
        #expect(!definition.enabled)
        #expect(definition.owner == "coulomb-loop")
        #expect(definition.trigger == .cron(CronTrigger(cronExpression: "0 6 * * *", timezone: "Europe/Berlin")))
        #expect(definition.action == ActivityAction(kind: .echo))
        #expect(
            definition.input
                == .object([
                    "window": .string("24h"), "sizes": .array([.integer(1), .number(2.5)]), "strict": .bool(true),
                    "note": .null,
                ]))
        #expect(definition.body == nil)
    }

    @Test("a minimal definition gets the defaults")
    func minimalDefinition() throws {
        let definition = try Fixture.definition("id: bare\n")
        #expect(definition == ActivityDefinition(id: "bare", document: .object(["id": .string("bare")])))
        #expect(definition.name == "bare")
        #expect(definition.enabled)
        #expect(definition.version == nil)
        #expect(definition.input == nil)
    }

    @Test(
        "version is read as text whatever its YAML type", arguments: [("1.0", "1.0"), ("2", "2"), ("\"1.0\"", "1.0")])
    func version(_ written: String, _ version: String) throws {
        #expect(try Fixture.definition("id: v\nversion: \(written)\n").version == version)
    }

    @Test("unknown top-level keys are kept verbatim and not reported")
    func extraKeysKept() throws {
        let definition = try Fixture.definition(
            """
            id: keeper
            context_sources:
              - {type: repo, path: coulomb/app}
              - type: file
                path: docs/notes.md
            rules:
              - Never push to main
              - Keep it short
            instructions: |
              Summarise yesterday.
              Mention failures first.
            governance:
              approval: required
              reviewers: 2
            status: draft
            """)
        let document = definition.document
        #expect(
            document["context_sources"]
                == .array([
                    .object(["type": .string("repo"), "path": .string("coulomb/app")]),
                    .object(["type": .string("file"), "path": .string("docs/notes.md")]),
                ]))
        #expect(document["rules"] == .array([.string("Never push to main"), .string("Keep it short")]))
        #expect(document["instructions"] == .string("Summarise yesterday.\nMention failures first.\n"))
        #expect(document["governance"] == .object(["approval": .string("required"), "reviewers": .integer(2)]))
        #expect(document["status"] == .string("draft"))
        #expect(document["id"] == .string("keeper"))
        #expect(document.objectValue?.count == 6)
    }

    @Test("the document keeps known keys as written too")
    func documentKeepsKnownKeys() throws {
        let definition = try Fixture.definition(
            "id: v\nversion: 1.0\ntrigger: {type: cron, cron_expression: \"@daily\"}\n")
        #expect(definition.document["version"] == .number(1.0))
        #expect(definition.document.value(atPath: "trigger.cron_expression") == .string("@daily"))
    }

    @Test("a .yaml document without type is an activity definition; activity-definition is one too")
    func activityTypes() throws {
        #expect(try Fixture.definition("id: no-type\n").id == "no-type")
        #expect(try Fixture.definition("type: activity-definition\nid: typed\n").id == "typed")
        #expect(try Fixture.definition("id: yml\n", path: "/defs/x.yml").id == "yml")
    }

    @Test("an event type is read")
    func eventType() throws {
        let located = try Fixture.document(
            """
            type: event-type
            id: repo.push
            version: 1.0
            publisher: gitea-bridge
            subject: gitea.repo.push
            enabled: false
            description: A push to a customer repository
            """)
        #expect(located.location.line == 2)
        #expect(located.location.column == 5)
        let eventType = try #require(EventTypeDefinition(located.document))
        #expect(eventType.id == "repo.push")
        #expect(eventType.version == "1.0")
        #expect(eventType.publisher == "gitea-bridge")
        #expect(eventType.subject == "gitea.repo.push")
        #expect(!eventType.enabled)
        #expect(eventType.description == "A push to a customer repository")
        #expect(eventType.document["publisher"] == .string("gitea-bridge"))
    }

    @Test("type_id is an alias of id for event types, located at the alias")
    func typeIDAlias() throws {
        let located = try Fixture.document("type: event-type\npublisher: x\ntype_id: repo.tag\n")
        #expect(located.document.id == "repo.tag")
        #expect(located.location.line == 3)
        #expect(located.location.column == 10)
        let eventType = try #require(EventTypeDefinition(located.document))
        #expect(eventType.enabled)
        #expect(eventType.subject == nil)
    }

    @Test("an event type may listen on a wildcard subject")
    func eventTypeWildcardSubject() throws {
        #expect(try Fixture.eventType("type: event-type\nid: repo.any\nsubject: gitea.*.>\n").subject == "gitea.*.>")
    }

    @Test("two definitions and an event type in one file, each located")
    func multiDocument() throws {
        let file = Fixture.parse(
            """
            id: first
            trigger: {type: cron, cron_expression: "@hourly"}
            ---
            name: Second
            id: second
            ---
            type: event-type
            type_id: repo.push
            """)
        #expect(file.issues.map(\.description) == [])
        #expect(file.documents.map(\.document.id) == ["first", "second", "repo.push"])
        #expect(file.documents.map(\.location.line) == [1, 5, 8])
        #expect(file.documents.map(\.location.column) == [5, 5, 10])
        #expect(EventTypeDefinition(try #require(file.documents.last).document) != nil)
        #expect(file.mentionedActivityIDs == ["first", "second"])
        #expect(file.mentionedEventTypeIDs == ["repo.push"])
    }

    @Test("empty documents are skipped")
    func emptyDocuments() throws {
        let file = Fixture.parse(
            """
            ---
            # only a comment
            ---
            ---
            id: lonely
            ---
            ~
            ...
            """)
        #expect(file.issues.map(\.description) == [])
        #expect(file.documents.map(\.document.id) == ["lonely"])
        #expect(file.documents.first?.location.line == 5)
    }

    @Test("an empty file yields nothing")
    func emptyFile() {
        let file = Fixture.parse("")
        #expect(file.documents.isEmpty)
        #expect(file.issues.isEmpty)
    }

    @Test("an error in a later document is located by its file line; the ids the file names are remembered")
    func errorInLaterDocument() throws {
        let file = Fixture.parse(
            """
            id: good-one
            ---
            id: broken-one
            trigger:
              type: cron
              cron_expression: "0 6 * * 9"
            """)
        #expect(file.issues.count == 1)
        let issue = try #require(file.issues.first)
        #expect(issue.location.line == 6)
        #expect(issue.location.column == 20)
        #expect(issue.message.contains("day-of-week value 9 is out of range 0-7"))
        #expect(!file.isValid)
        #expect(file.mentionedActivityIDs == ["good-one", "broken-one"])
    }

    @Test("a YAML syntax error after a valid document protects every id the file names")
    func syntaxErrorProtectsIDs() throws {
        let file = Fixture.parse("id: kept-one\n---\nid: kept-two\nname: [unclosed\n")
        let issue = try #require(file.issues.first)
        #expect(file.issues.count == 1)
        #expect(issue.code == .syntax)
        #expect(file.mentionedActivityIDs.isSuperset(of: ["kept-one", "kept-two"]))
    }

    static let broken: [BrokenCase] = [
        BrokenCase(
            "missing id", .missingKey, at: 1, 1, "missing required key 'id'",
            "name: No id here\ntrigger: {type: cron, cron_expression: \"@daily\"}\n"),
        BrokenCase(
            "null id", .missingKey, at: 1, 1, "missing required key 'id'", "name: Null id\nid:\n"),
        BrokenCase(
            "id starting with an underscore", .invalidValue, at: 1, 5,
            "'id' \"_private\" must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ (a slug or a UUID)", "id: _private\n"),
        BrokenCase(
            "id of 129 characters", .invalidValue, at: 1, 5, "must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
            "id: \(DocumentTests.longestID)x\n"),
        BrokenCase(
            "id that is a mapping", .invalidValue, at: 1, 5, "'id' \"\" must match", "id: {a: b}\n"),
        BrokenCase(
            "enabled not a bool", .invalidValue, at: 2, 10, "'enabled' must be true or false",
            "id: e\nenabled: \"true\"\n"),
        BrokenCase(
            "name not a string", .invalidValue, at: 2, 7, "'name' must be a string", "id: n\nname: 42\n"),
        BrokenCase(
            "owner not a string", .invalidValue, at: 2, 8, "'owner' must be a string", "id: o\nowner: [a, b]\n"),
        BrokenCase(
            "version not a single value", .invalidValue, at: 2, 10, "'version' must be a single value",
            "id: v\nversion: [1, 0]\n"),
        BrokenCase(
            "misspelt document type", .invalidDocument, at: 1, 7,
            "unknown document type \"activity-defintion\" (expected activity-definition or event-type)",
            "type: activity-defintion\nid: typo\n"),
        BrokenCase(
            "documentation type in a .yaml file", .invalidDocument, at: 1, 7, "unknown document type \"workplan\"",
            "type: workplan\nid: plan\n"),
        BrokenCase(
            "document that is a list", .invalidDocument, at: 1, 1,
            "a definition document must be a mapping of keys to values", "- id: a\n- id: b\n"),
        BrokenCase(
            "event type without id", .missingKey, at: 1, 1, "missing required key 'id'",
            "type: event-type\npublisher: gitea-bridge\n"),
        BrokenCase(
            "event type with a bad type_id", .invalidValue, at: 2, 10, "'type_id' \"repo push\" must match",
            "type: event-type\ntype_id: repo push\n"),
        BrokenCase(
            "event type with a bad subject", .invalidValue, at: 3, 10,
            "'subject' \"gitea.>.push\" is not a valid NATS subject",
            "type: event-type\nid: repo.push\nsubject: gitea.>.push\n"),
        BrokenCase(
            "event type enabled not a bool", .invalidValue, at: 3, 10, "'enabled' must be true or false",
            "type: event-type\nid: repo.push\nenabled: 1\n"),
        BrokenCase(
            "YAML syntax error", .syntax, at: 2, 8, "YAML syntax error: mapping values are not allowed",
            "id: syntax\nname: a: b\n"),
    ]

    @Test("each broken document is reported once, at its place", arguments: DocumentTests.broken)
    func brokenDocument(_ broken: BrokenCase) throws {
        try Fixture.expectOnlyIssue(broken)
    }
}
