import Foundation
import Testing

@testable import Definitions

/// Every value bounded by what consumes it, RFC 9110 headers, URL ports, tz names, and the
/// warning for a likely misspelt top-level key (CONTRACT section 8).
@Suite("Value rules and typo warnings")
struct ValueRulesTests {
    static func retry(_ lines: String) -> String {
        "id: r\naction:\n  type: echo\n  retry:\n" + lines
    }

    static let outOfRange: [BrokenCase] = [
        BrokenCase(
            "max interval past Int64", .invalidValue, at: 5, 27,
            "'action.retry.max_interval_seconds' must be from 0.001 to 3155760000, got 9223372036854775808",
            Self.retry("    max_interval_seconds: 9223372036854775808\n")),
        BrokenCase(
            "max interval 1e23", .invalidValue, at: 5, 27,
            "'action.retry.max_interval_seconds' must be from 0.001 to 3155760000, got 1e23",
            Self.retry("    max_interval_seconds: 1e23\n")),
        BrokenCase(
            "huge initial interval, reported at its own line", .invalidValue, at: 5, 31,
            "'action.retry.initial_interval_seconds' must be from 0.001 to 3155760000, got 1e300",
            Self.retry("    initial_interval_seconds: 1e300\n    max_interval_seconds: 10\n")),
        BrokenCase(
            "infinite interval", .invalidValue, at: 5, 27, "'action.retry.max_interval_seconds' must be from",
            Self.retry("    max_interval_seconds: .inf\n")),
        BrokenCase(
            "attempts past 1000", .invalidValue, at: 5, 19, "'action.retry.max_attempts' must be from 1 to 1000",
            Self.retry("    max_attempts: 1001\n")),
        BrokenCase(
            "backoff past 1000", .invalidValue, at: 5, 14, "'action.retry.backoff' must be from 1 to 1000",
            Self.retry("    backoff: 1e6\n")),
        BrokenCase(
            "timeout past 100 years", .invalidValue, at: 4, 20,
            "'action.timeout_seconds' must be from 1 to 3155760000 of seconds, got 3155760001",
            "id: r\naction:\n  type: echo\n  timeout_seconds: 3155760001\n"),
        BrokenCase(
            "timeout past Int64", .invalidValue, at: 4, 20,
            "'action.timeout_seconds' must be from 1 to 3155760000 of seconds, got 99999999999999999999",
            "id: r\naction:\n  type: echo\n  timeout_seconds: 99999999999999999999\n"),
        BrokenCase(
            "jitter past 100 years", .invalidValue, at: 2, 66, "'trigger.jitter_seconds' must be from 0 to 3155760000",
            "id: r\ntrigger: {type: cron, cron_expression: \"@daily\", jitter_seconds: 9999999999}\n"),
        BrokenCase(
            "catch-up window past 100 years", .invalidValue, at: 2, 74,
            "'trigger.catchup_window_seconds' must be from 10 to 3155760000",
            "id: r\ntrigger: {type: cron, cron_expression: \"@daily\", catchup_window_seconds: 9999999999}\n"),
        BrokenCase(
            "header value with CR LF", .invalidValue, at: 2, 64, "holds a line break or another control character",
            "id: r\naction: {type: http, url: \"https://x.example/\", headers: {X-A: \"a\\r\\nX-Injected: 1\"}}\n"),
        BrokenCase(
            "header value with a NUL-free control character", .invalidValue, at: 2, 64,
            "holds a line break or another control character",
            "id: r\naction: {type: http, url: \"https://x.example/\", headers: {X-A: \"a\\u0007\"}}\n"),
        BrokenCase(
            "header name with a space", .invalidValue, at: 2, 59, "invalid header name \"X A\"",
            "id: r\naction: {type: http, url: \"https://x.example/\", headers: {\"X A\": b}}\n"),
        BrokenCase(
            "URL port 99999", .invalidValue, at: 2, 27, "has port 99999; a port is 1 to 65535",
            "id: r\naction: {type: http, url: \"https://x.example:99999/\"}\n"),
        BrokenCase(
            "URL port 0", .invalidValue, at: 2, 27, "has port 0",
            "id: r\naction: {type: http, url: \"http://x.example:0/\"}\n"),
    ]

    @Test("each value out of its range is one located error", arguments: ValueRulesTests.outOfRange)
    func outOfRangeValues(_ broken: BrokenCase) throws {
        try Fixture.expectOnlyIssue(broken)
    }

    @Test("the ends of each documented range are accepted")
    func rangeEnds() throws {
        let action = try Fixture.action(
            """
            id: r
            action:
              type: echo
              timeout_seconds: 3155760000
              retry: {max_attempts: 1000, initial_interval_seconds: 0.001, backoff: 1000, max_interval_seconds: 3155760000}

            """)
        #expect(action.timeoutSeconds == ValueRanges.maxDurationSeconds)
        #expect(action.rangeProblem == nil)
        let cron = try Fixture.cronTrigger(
            "id: r\ntrigger: {type: cron, cron_expression: \"@daily\", jitter_seconds: 3155760000, catchup_window_seconds: 3155760000}\n"
        )
        #expect(cron.jitterSeconds == ValueRanges.maxDurationSeconds)
    }

    @Test("a stored action out of range is named by its key")
    func rangeProblem() {
        var action = ActivityAction(kind: .echo)
        action.retry.maxIntervalSeconds = 1e23
        #expect(action.rangeProblem?.hasPrefix("action.retry.max_interval_seconds") == true)
    }

    @Test(
        "tz database names are accepted, links and Etc/GMT zones included",
        arguments: [
            "Etc/GMT-14", "Etc/GMT+12", "US/Pacific", "Asia/Kolkata", "Europe/Kyiv", "UTC", "Etc/UTC",
        ])
    func timeZones(zone: String) throws {
        let trigger = try Fixture.cronTrigger(
            "id: z\ntrigger: {type: cron, cron_expression: \"@daily\", timezone: \(zone)}\n")
        #expect(trigger.timezone == zone)
    }

    @Test(
        "names outside the tz database are refused",
        arguments: ["GMT+5", "utc", "Europe/berlin", "Etc/GMT-15", "Local"])
    func unknownZones(zone: String) {
        let file = Fixture.parse("id: z\ntrigger: {type: cron, cron_expression: \"@daily\", timezone: \"\(zone)\"}\n")
        #expect(file.issues.map(\.code) == [.invalidValue])
    }

    @Test("valid headers pass: tokens and visible values with spaces and tabs")
    func validHeaders() throws {
        let action = try Fixture.action(
            "id: h\naction: {type: http, url: \"https://x.example:8443/p?q=1\", headers: {X-Team_1: \"a b\\tc\", \"!#$%&'*+-.^_`|~\": v}}\n"
        )
        #expect(action.headers["X-Team_1"] == "a b\tc")
    }

    @Test(
        "a misspelt top-level key is a warning at its place naming the likely key; the file stays valid",
        arguments: [
            ("triger", "trigger", "runs only when triggered by hand"), ("enabeld", "enabled", "stays enabled"),
            ("acton", "action", "default action"), ("Trigger", "trigger", "runs only when triggered by hand"),
            ("nmae", "name", "not interpreted"),
        ])
    func typoWarning(typo: String, likely: String, consequence: String) throws {
        let file = Fixture.parse("id: t\n\(typo): x\n")
        #expect(file.isValid)
        #expect(file.documents.count == 1)
        let warning = try #require(file.warnings.first)
        #expect(file.warnings.count == 1)
        #expect(warning.kind == .activity)
        #expect(warning.issue.code == .likelyTypo)
        #expect((warning.issue.location.line, warning.issue.location.column) == (2, 1))
        #expect(warning.issue.message.contains("'\(typo)' looks like '\(likely)'"))
        #expect(warning.issue.message.contains(consequence))
    }

    @Test(
        "extra keys that are not near a missing contract key give no warning",
        arguments: [
            "context_sources: [x]\nrules: []\nstatus: draft\ngovernance: {}\n",
            // `names` is close to `name`, but `name` is there: not a typo.
            "name: N\nnames: [a]\n",
            // Two edits reach almost any two-letter key: short keys get one edit at most.
            "xy: 1\n",
        ])
    func noWarning(extra: String) {
        let file = Fixture.parse("id: t\n" + extra)
        #expect(file.isValid)
        #expect(file.warnings.isEmpty)
    }

    @Test("event types get typo warnings of their own kind")
    func eventTypeTypo() throws {
        let file = Fixture.parse("type: event-type\nid: repo.push\nsubjet: gitea.push\n")
        let warning = try #require(file.warnings.first)
        #expect(warning.kind == .eventType)
        #expect(warning.issue.message.contains("looks like 'subject'"))
    }

    @Test(
        "edit distance counts a swap of neighbours as one",
        arguments: [
            ("enabeld", "enabled", 1), ("triger", "trigger", 1), ("abc", "abc", 0), ("", "ab", 2),
            ("kitten", "sitting", 3),
        ])
    func distance(a: String, b: String, expected: Int) {
        #expect(KeySuggestion.distance(Array(a), Array(b)) == expected)
    }
}
