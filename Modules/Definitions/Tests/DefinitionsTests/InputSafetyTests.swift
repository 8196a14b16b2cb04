import Foundation
import Testing

@testable import Definitions

/// Line endings, encodings and per-file limits (CONTRACT section 8, "Definition files"):
/// hostile or merely unusual input is a located error of its own file, never a hang, a crash
/// or a definition taken for documentation.
@Suite("Input safety: line endings, encodings, limits")
struct InputSafetyTests {
    static let cron =
        "type: activity-definition\nid: digest\ntrigger:\n  type: cron\n  cron_expression: \"0 6 * * *\"\n"

    static func markdown(_ yaml: String, newline: String, bom: Bool = false) -> String {
        let text = "---\n" + yaml + "---\n# Digest\n\nBody.\n"
        return (bom ? "\u{FEFF}" : "") + text.replacingOccurrences(of: "\n", with: newline)
    }

    @Test(
        "markdown front matter with LF, CRLF or CR line breaks, with or without a BOM, is a definition",
        arguments: ["\n", "\r\n", "\r"], [false, true])
    func markdownLineEndings(newline: String, bom: Bool) throws {
        let definition = try Fixture.definition(
            Self.markdown(Self.cron, newline: newline, bom: bom), path: Fixture.markdownPath)
        #expect(definition.id == "digest")
        #expect(definition.body == "# Digest\n\nBody.\n")
        guard case .cron(let trigger) = definition.trigger else {
            Issue.record("expected a cron trigger")
            return
        }
        #expect(trigger.cronExpression == "0 6 * * *")
    }

    @Test(
        "a YAML file with CRLF or CR line breaks parses, and errors keep their line numbers", arguments: ["\r\n", "\r"])
    func yamlLineEndings(newline: String) throws {
        let definition = try Fixture.definition(Self.cron.replacingOccurrences(of: "\n", with: newline))
        #expect(definition.id == "digest")
        let broken = (Self.cron + "  timezone: Mars/Olympus\n").replacingOccurrences(of: "\n", with: newline)
        let file = Fixture.parse(broken)
        #expect(file.issues.map(\.location.line) == [6])
    }

    @Test("after a syntax error, ids on CRLF and CR lines are still protected", arguments: ["\r\n", "\r"])
    func protectedIDsAcrossLineEndings(newline: String) {
        let text = "\u{FEFF}id: first\ntrigger: [\n---\nid: second\n".replacingOccurrences(of: "\n", with: newline)
        let file = Fixture.parse(text)
        #expect(!file.isValid)
        #expect(file.mentionedActivityIDs == ["first", "second"])
    }

    @Test("an unterminated CRLF front matter is an error that protects its id, not documentation")
    func unterminatedFrontMatter() {
        let file = Fixture.parse("---\r\nid: digest\r\ntype: activity-definition\r\n", path: Fixture.markdownPath)
        #expect(file.issues.map(\.code) == [.syntax])
        #expect(file.mentionedActivityIDs == ["digest"])
    }

    @Test("a file that is not UTF-8 is an error naming the byte offset, for markdown too", arguments: ["yaml", "md"])
    func notUTF8(fileExtension: String) throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        var bytes = Array("---\nid: digest\nname: caf".utf8)
        let offset = bytes.count
        bytes += [0xE9]  // Latin-1 é
        bytes += Array("\n---\n".utf8)
        try Data(bytes).write(to: tree.root.appendingPathComponent("bad.\(fileExtension)"))
        let root = DefinitionLoader().load(root: tree.path)
        let issues = root.files.flatMap(\.issues)
        #expect(issues.map(\.code) == [.encoding])
        #expect(issues.first?.message.contains("offset \(offset)") == true)
        #expect(issues.first?.location.line == 3)
        #expect(root.files.first?.mentionedActivityIDs == ["digest"])
    }

    @Test(
        "UTF-8 validation finds the first bad byte",
        arguments: [
            ([0x61, 0x62], nil), ([0xC3, 0xA9], nil), ([0x61, 0xC3], 1), ([0xED, 0xA0, 0x80], 0),
            ([0xF4, 0x90, 0x80, 0x80], 0), ([0xC0, 0xAF], 0), ([0xE2, 0x82, 0xAC, 0xFF], 3),
        ] as [([UInt8], Int?)])
    func utf8Offsets(bytes: [UInt8], expected: Int?) {
        #expect(UTF8Text.firstInvalidOffset(Data(bytes)) == expected)
        #expect((String(validating: bytes, as: UTF8.self) == nil) == (expected != nil))
    }

    /// "Billion laughs": 9 levels of 10 aliases each, 10^9 nodes when expanded.
    static let aliasBomb: String = {
        var lines = ["id: bomb", "input:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("  a\(level): &a\(level) [\(refs)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test("an alias bomb is a limit error at the alias that passes the bound, found without expanding")
    func aliasBomb() throws {
        #expect(Self.aliasBomb.utf8.count < 1_024)
        let file = Fixture.parse(Self.aliasBomb)
        #expect(file.documents.isEmpty)
        let issue = try #require(file.issues.first)
        #expect(file.issues.count == 1)
        #expect(issue.code == .limit)
        #expect(issue.message.contains("100000"))
        #expect(issue.location.line == 7)
        #expect(file.mentionedActivityIDs == ["bomb"])
    }

    @Test("an alias used as a mapping key is refused before the composer hashes it")
    func aliasAsKey() throws {
        let text = "id: keys\ninput:\n  a: &a [x, x]\n  ? *a\n  : 1\n"
        let issue = try #require(Fixture.parse(text).issues.first)
        #expect(issue.code == .limit)
        #expect(issue.message.contains("a mapping key must be a plain value, not an alias (*a)"))
        #expect((issue.location.line, issue.location.column) == (4, 5))
    }

    @Test("aliases within the bound are expanded as usual")
    func smallAliases() throws {
        let definition = try Fixture.definition("id: small\ninput:\n  base: &base [1, 2]\n  copy: *base\n")
        #expect(definition.input?["copy"] == .array([.integer(1), .integer(2)]))
    }

    @Test("nesting deeper than 64 levels is a limit error; 10,000 levels answer at once", arguments: [65, 10_000])
    func deepNesting(depth: Int) throws {
        let text =
            "id: deep\ninput: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let issue = try #require(Fixture.parse(text).issues.first)
        #expect(issue.code == .limit)
        #expect(issue.message.contains("deeper than 64"))
        #expect(issue.location.line == 2)
        // Where the 65th level opens; libyaml's scanner stops 10,000 levels at its own bound.
        #expect(issue.location.column == (depth == 65 ? 7 + 64 : 9))
    }

    @Test("64 levels of nesting are accepted")
    func nestingAtTheLimit() throws {
        // The document's root mapping is level 1, `input`'s lists are levels 2 to 64.
        let text = "id: deep\ninput: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n"
        _ = try Fixture.definition(text)
    }

    @Test("a file over ACTIVITY_MAX_FILE_BYTES is not read: a limit error that still protects its ids")
    func oversizedFile() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let text = Self.cron + "input: \"" + String(repeating: "x", count: 2 * 1_048_576) + "\"\n"
        try tree.write("big.yaml", text)
        let file = try #require(DefinitionLoader().load(root: tree.path).files.first)
        #expect(file.issues.map(\.code) == [.limit])
        #expect(file.issues.first?.message.contains("\(text.utf8.count) bytes") == true)
        #expect(file.mentionedActivityIDs == ["digest"])
        let small = DefinitionLoader(limits: DefinitionLimits(maxFileBytes: 64)).load(root: tree.path)
        #expect(small.files.first?.issues.first?.message.contains("limit of 64") == true)
    }

    @Test("more than 1,000 documents in one file is a limit error at the 1,001st")
    func tooManyDocuments() throws {
        let text = (0...1_000).map { "id: d\($0)\n" }.joined(separator: "---\n")
        let issue = try #require(Fixture.parse(text).issues.first)
        #expect(issue.code == .limit)
        #expect(issue.message.contains("more than 1000 YAML documents"))
        #expect(issue.location.line == 2_000)
    }

    @Test(
        "U+0000 in a value or a key is a located error",
        arguments: [
            ("id: nul\ninput: {note: \"a\\0b\"}\n", 2, 15),
            ("id: nul\ninput:\n  \"a\\x00\": 1\n", 3, 3),
            ("id: nul\nname: \"x\\u0000\"\n", 2, 7),
        ])
    func nul(text: String, line: Int, column: Int) throws {
        let file = Fixture.parse(text)
        #expect(file.documents.isEmpty)
        let issue = try #require(file.issues.first)
        #expect(file.issues.count == 1)
        #expect(issue.message.contains("U+0000"))
        #expect((issue.location.line, issue.location.column) == (line, column))
    }

    @Test("merge keys are applied at the top level and inside trigger and action; own keys win")
    func mergeKeys() throws {
        let text = """
            id: merged
            defaults: &defaults
              owner: platform
              enabled: false
            cron: &cron {type: cron, cron_expression: "0 6 * * *", timezone: Europe/Berlin}
            retry: &retry {max_attempts: 5}
            <<: *defaults
            enabled: true
            trigger:
              <<: *cron
              timezone: UTC
            action:
              type: echo
              retry:
                <<: *retry
                backoff: 3

            """
        let definition = try Fixture.definition(text)
        #expect(definition.owner == "platform")
        #expect(definition.enabled)
        #expect(definition.trigger == .cron(CronTrigger(cronExpression: "0 6 * * *", timezone: "UTC")))
        #expect(definition.action?.retry.maxAttempts == 5)
        #expect(definition.action?.retry.backoff == 3)
        #expect(definition.document["<<"] == nil)
    }

    @Test("a list of merged mappings: the earlier one wins")
    func mergeList() throws {
        let text = "id: list\na: &a {owner: first}\nb: &b {owner: second, name: Second}\n<<: [*a, *b]\n"
        let definition = try Fixture.definition(text)
        #expect(definition.owner == "first")
        #expect(definition.name == "Second")
    }

    @Test("a merge key whose value is not a mapping is a located error")
    func badMerge() throws {
        let issue = try #require(Fixture.parse("id: bad\ntrigger:\n  <<: 42\n  type: cron\n").issues.first)
        #expect(issue.message.contains("merge key '<<'"))
        #expect((issue.location.line, issue.location.column) == (3, 7))
    }

    @Test("a quoted \"<<\" is an ordinary key")
    func quotedMergeKey() throws {
        let definition = try Fixture.definition("id: quoted\n\"<<\": kept\n")
        #expect(definition.document["<<"] == .string("kept"))
    }

    @Test(
        "base 60 integers past Int64 are values that do not fit, never a crash",
        arguments: [
            "input: {x: 1:0:0:0:0:0:0:0:0:0:0:0}\n", "input: [-1:0:0:0:0:0:0:0:0:0:0:0:0]\n",
            "input: {x: 99999999999999999999999}\n",
        ])
    func hugeIntegers(extra: String) throws {
        let definition = try Fixture.definition("id: sexa\n" + extra)
        // Too large for an integer: kept as the text written.
        #expect(definition.input.map { "\($0)" }?.contains("string") == true)
    }

    @Test("a base 60 timeout is read with overflow checks: 1:30 is 90 s, a huge one a located error")
    func sexagesimalTimeout() throws {
        let action = try Fixture.action("id: t\naction: {type: echo, timeout_seconds: 1:30}\n")
        #expect(action.timeoutSeconds == 90)
        // Eleven parts trap Yams' own reading (its base overflows after the last digit).
        for parts in [11, 12] {
            let value = (["1"] + Array(repeating: "0", count: parts - 1)).joined(separator: ":")
            let file = Fixture.parse("id: t\naction: {type: echo, timeout_seconds: \(value)}\n")
            let issue = try #require(file.issues.first)
            #expect(issue.message.contains("'action.timeout_seconds' must be from 1 to 3155760000 of seconds"))
            #expect((issue.location.line, issue.location.column) == (2, 39))
        }
    }

    @Test(
        "YAML 1.1 integers as Yams reads them, without overflow",
        arguments: [
            ("0", 0), ("42", 42), ("-42", -42), ("+7", 7), ("1_000", 1_000), ("0x1F", 31), ("0b101", 5), ("0o17", 15),
            ("017", 15), ("1:30", 90), ("-1:0:0", -3_600), ("9223372036854775807", Int.max),
            ("1:0:0:0:0:0:0:0:0:0:0", 604_661_760_000_000_000),
        ] as [(String, Int)])
    func integers(text: String, expected: Int) {
        #expect(YAMLInteger.parse(text) == expected)
    }

    @Test(
        "integers that do not fit are nil",
        arguments: [
            "9223372036854775808", "0x1FFFFFFFFFFFFFFFF", "1:0:0:0:0:0:0:0:0:0:0:0", "153722867280912930:7:60",
        ])
    func integersTooLarge(text: String) {
        #expect(YAMLInteger.parse(text) == nil)
    }

    @Test("a bomb of large strings is a limit on the bytes it expands to")
    func stringBomb() throws {
        let big = String(repeating: "x", count: 100_000)
        let text = """
            id: strings
            input:
              s0: &s0 "\(big)"
              s1: &s1 [*s0, *s0, *s0, *s0, *s0, *s0, *s0, *s0, *s0, *s0]
              s2: &s2 [*s1, *s1, *s1, *s1, *s1, *s1, *s1, *s1, *s1, *s1]
              s3: &s3 [*s2, *s2, *s2, *s2, *s2, *s2, *s2, *s2, *s2, *s2]

            """
        let issue = try #require(Fixture.parse(text).issues.first)
        #expect(issue.code == .limit)
        #expect(issue.message.contains("bytes of text"))
        #expect(issue.location.line == 5)
    }

    @Test("aliases of deep anchors are counted at their expanded depth")
    func deepThroughAliases() throws {
        let nested = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let text =
            "id: deep\ninput:\n  a: &a \(nested)\n  b: &b [*a, [[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]\n"
        let issue = try #require(Fixture.parse(text).issues.first)
        #expect(issue.code == .limit)
        #expect(issue.message.contains("once aliases are expanded"))
        #expect(issue.location.line == 4)
        // The same anchor where it fits: root (1), input (2), b's list (3), a's 40 levels.
        _ = try Fixture.definition("id: deep\ninput:\n  a: &a \(nested)\n  b: [*a]\n")
    }

    @Test("U+0000 in a markdown definition's body is a located error")
    func nulInMarkdownBody() throws {
        let text = "---\ntype: activity-definition\nid: body\n---\n# Title\n\nline with a \u{0} NUL\n"
        let file = Fixture.parse(text, path: Fixture.markdownPath)
        #expect(file.documents.isEmpty || !file.isValid)
        let issue = try #require(file.issues.first)
        #expect(issue.message.contains("markdown body holds the character U+0000"))
        #expect(issue.location.line == 7)
        // Documentation (no definition in the front matter) is not checked.
        #expect(Fixture.parse("---\ntype: workplan\n---\nx \u{0}\n", path: Fixture.markdownPath).isValid)
    }
}
