import Foundation
import Testing

@testable import Definitions

/// `.md` files: front matter is the document, the body is documentation, other types are skipped.
@Suite("Markdown definitions")
struct MarkdownTests {
    static let original = """
        ---
        type: activity-definition
        id: coulomb-daily-digest
        name: Coulomb daily digest
        version: 1.0
        owner: coulomb-loop
        trigger:
          type: cron
          cron_expression: "0 6 * * MON-FRI"
          timezone: Europe/Berlin
          misfire_policy: compress
        action:
          type: http
          url: https://hooks.example/digest
          method: post
        context_sources:
          - type: repo
            path: coulomb/app
          - type: nats
            subject: gitea.repo.push
        rules:
          - Only report merged work
          - Link every pull request
        instructions: |
          Read yesterday's pushes.
          Write a digest for the team.
        governance: {approval: none}
        ---

        # Coulomb daily digest

        Runs every weekday at six, Berlin time.

        """

    @Test("an original-style markdown definition keeps its extra keys and its body")
    func originalStyle() throws {
        let located = try Fixture.document(Self.original, path: Fixture.markdownPath)
        // The front matter starts at file line 2; the id is on line 3.
        #expect(located.location == Definitions.SourceLocation(path: Fixture.markdownPath, line: 3, column: 5))
        let definition = try #require(ActivityDefinition(located.document))
        #expect(definition.id == "coulomb-daily-digest")
        #expect(definition.version == "1.0")
        #expect(definition.owner == "coulomb-loop")
        #expect(
            definition.trigger
                == .cron(
                    CronTrigger(
                        cronExpression: "0 6 * * MON-FRI", timezone: "Europe/Berlin", misfirePolicy: .catchupLatest)))
        #expect(definition.action?.method == "POST")
        #expect(
            definition.document["context_sources"]
                == .array([
                    .object(["type": .string("repo"), "path": .string("coulomb/app")]),
                    .object(["type": .string("nats"), "subject": .string("gitea.repo.push")]),
                ]))
        #expect(
            definition.document["rules"]
                == .array([.string("Only report merged work"), .string("Link every pull request")]))
        #expect(
            definition.document["instructions"]
                == .string("Read yesterday's pushes.\nWrite a digest for the team.\n"))
        #expect(definition.document["governance"] == .object(["approval": .string("none")]))
        #expect(definition.body == "# Coulomb daily digest\n\nRuns every weekday at six, Berlin time.\n")
    }

    @Test("a block scalar that ends the front matter keeps its final line break, as in a .yaml file")
    func blockScalarEndingFrontMatter() throws {
        let yaml = "id: block\ninstructions: |\n  Line one.\n  Line two.\n"
        let fromYAML = try Fixture.definition(yaml)
        let fromMarkdown = try Fixture.definition(
            "---\ntype: activity-definition\n" + yaml + "---\nBody\n", path: Fixture.markdownPath)
        #expect(fromYAML.document["instructions"] == .string("Line one.\nLine two.\n"))
        #expect(fromMarkdown.document["instructions"] == .string("Line one.\nLine two.\n"))
    }

    @Test("front matter starts at line 2, so its first key is located on line 2")
    func lineNumbers() throws {
        let located = try Fixture.document(
            "---\nid: md-first\ntype: activity-definition\n---\nBody\n", path: Fixture.markdownPath)
        #expect(located.location.line == 2)
        #expect(located.location.column == 5)
        #expect(located.location.path == Fixture.markdownPath)
    }

    @Test("a front matter closed by ... is read, and an empty body is kept empty")
    func dotsClose() throws {
        let definition = try Fixture.definition(
            "---\ntype: activity-definition\nid: dots\n...\n", path: Fixture.markdownPath)
        #expect(definition.id == "dots")
        #expect(definition.body == "")
    }

    @Test("an event type may be written in markdown")
    func markdownEventType() throws {
        let eventType = try Fixture.eventType(
            "---\ntype: event-type\nid: repo.push\n---\nA push.\n", path: Fixture.markdownPath)
        #expect(eventType.id == "repo.push")
    }

    @Test(
        "markdown without a definition is skipped silently",
        arguments: [
            "# Just notes\n\nNothing to see.\n",
            "",
            "Intro line\n---\ntype: activity-definition\nid: late\n---\n",
            "---\ntype: workplan\nid: plan-1\ntrigger: nonsense\n---\n# Plan\n",
            "---\ntype: session-note\nid: note\n---\n",
            "---\ntitle: A page\nid: page\n---\nText\n",
            "---\n---\nEmpty front matter\n",
        ]
    )
    func skipped(_ text: String) {
        let file = Fixture.parse(text, path: Fixture.markdownPath)
        #expect(file.documents.isEmpty)
        #expect(file.issues.isEmpty)
        #expect(file.mentionedActivityIDs.isEmpty)
        #expect(file.mentionedEventTypeIDs.isEmpty)
    }

    @Test("markdown is recognised by extension whatever its case")
    func upperCaseExtension() throws {
        let definition = try Fixture.definition(
            "---\ntype: activity-definition\nid: loud\n---\n", path: "/defs/LOUD.MD")
        #expect(definition.body == "")
    }

    static let broken: [BrokenCase] = [
        BrokenCase(
            "front matter never closed", .syntax, at: 1, 1,
            "front matter opened with --- is never closed by a --- line", fileExtension: "md",
            "---\ntype: activity-definition\nid: open-ended\n\n# Body\n"),
        BrokenCase(
            "bad cron in front matter, at its file line", .invalidValue, at: 6, 20,
            "invalid cron expression \"0 6 * * * *\"", fileExtension: "md",
            """
            ---
            type: activity-definition
            id: md-bad-cron
            trigger:
              type: cron
              cron_expression: "0 6 * * * *"
            ---
            Body text.
            """),
        BrokenCase(
            "YAML syntax error in front matter, at its file line", .syntax, at: 4, 8,
            "YAML syntax error: mapping values are not allowed", fileExtension: "md",
            "---\ntype: activity-definition\nid: md-syntax\nname: a: b\n---\n"),
        BrokenCase(
            "unknown action key in front matter", .unknownKey, at: 7, 3, "unknown key 'action.uri' for a http action",
            fileExtension: "md",
            "---\ntype: activity-definition\nid: md-action\naction:\n"
                + "  type: http\n  url: https://x.example\n  uri: y\n---\n"),
    ]

    @Test("each broken markdown file is reported once, at its file line", arguments: MarkdownTests.broken)
    func brokenMarkdown(_ broken: BrokenCase) throws {
        try Fixture.expectOnlyIssue(broken)
    }
}
