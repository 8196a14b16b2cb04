import Foundation
import Testing

@testable import Definitions

/// The `trigger` mapping: strict keys, cron, time zone, misfire policy, event filters.
@Suite("Trigger validation")
struct TriggerValidationTests {
    static func cron(_ extra: String = "", expression: String = "0 6 * * *") -> String {
        """
        id: trigger-test
        trigger:
          type: cron
          cron_expression: "\(expression)"
        \(extra)
        """
    }

    @Test("a full cron trigger is read")
    func fullCron() throws {
        let trigger = try Fixture.cronTrigger(
            """
            id: coulomb-daily-digest
            trigger:
              type: cron
              cron_expression: "0 6 * * *"
              timezone: Europe/Berlin
              misfire_policy: catchup_latest
              jitter_seconds: 30
              catchup_window_seconds: 3600
            """)
        #expect(
            trigger
                == CronTrigger(
                    cronExpression: "0 6 * * *", timezone: "Europe/Berlin", misfirePolicy: .catchupLatest,
                    jitterSeconds: 30, catchupWindowSeconds: 3600))
        #expect(trigger.effectiveCatchupWindowSeconds == 3600)
    }

    @Test("a minimal cron trigger gets the defaults")
    func cronDefaults() throws {
        let trigger = try Fixture.cronTrigger(Self.cron())
        #expect(trigger.cronExpression == "0 6 * * *")
        #expect(trigger.timezone == "UTC")
        #expect(trigger.misfirePolicy == .skip)
        #expect(trigger.jitterSeconds == 0)
        #expect(trigger.catchupWindowSeconds == nil)
        #expect(trigger.effectiveCatchupWindowSeconds == 60)
    }

    @Test("shorthands are accepted in a trigger", arguments: ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"])
    func shorthand(_ expression: String) throws {
        #expect(try Fixture.cronTrigger(Self.cron(expression: expression)).cronExpression == expression)
    }

    @Test("an unquoted five-field expression is read")
    func unquotedExpression() throws {
        let trigger = try Fixture.cronTrigger("id: plain\ntrigger:\n  type: cron\n  cron_expression: 30 6 * * 1-5\n")
        #expect(trigger.cronExpression == "30 6 * * 1-5")
    }

    @Test("IANA time zones are accepted", arguments: ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"])
    func timezones(_ zone: String) throws {
        #expect(try Fixture.cronTrigger(Self.cron("  timezone: \(zone)")).timezone == zone)
    }

    @Test(
        "misfire policies and their aliases",
        arguments: [
            ("skip", MisfirePolicy.skip),
            ("catchup_all", .catchupAll),
            ("catchup", .catchupAll),
            ("catchup_latest", .catchupLatest),
            ("compress", .catchupLatest),
        ]
    )
    func misfirePolicies(_ name: String, _ policy: MisfirePolicy) throws {
        #expect(try Fixture.cronTrigger(Self.cron("  misfire_policy: \(name)")).misfirePolicy == policy)
    }

    @Test("default catchup windows per policy")
    func defaultWindows() {
        #expect(MisfirePolicy.skip.defaultCatchupWindowSeconds == 60)
        #expect(MisfirePolicy.catchupAll.defaultCatchupWindowSeconds == 365 * 24 * 3600)
        #expect(MisfirePolicy.catchupLatest.defaultCatchupWindowSeconds == 24 * 3600)
    }

    @Test("catchup_window_seconds of 10, Temporal's minimum, is accepted")
    func minimumWindow() throws {
        let trigger = try Fixture.cronTrigger(Self.cron("  catchup_window_seconds: 10"))
        #expect(trigger.catchupWindowSeconds == 10)
        #expect(trigger.effectiveCatchupWindowSeconds == 10)
    }

    @Test("jitter_seconds of zero is accepted")
    func zeroJitter() throws {
        #expect(try Fixture.cronTrigger(Self.cron("  jitter_seconds: 0")).jitterSeconds == 0)
    }

    @Test("an event trigger with filters is read")
    func eventTrigger() throws {
        let trigger = try Fixture.eventTrigger(
            """
            id: on-push
            trigger:
              type: event
              event_type: repo.push
              filters:
                attributes.repo: coulomb/app
                source: gitea
                data.count: 3
            """)
        #expect(trigger.eventType == "repo.push")
        #expect(
            trigger.filters == [
                "attributes.repo": .string("coulomb/app"), "source": .string("gitea"), "data.count": .integer(3),
            ])
    }

    @Test("an event trigger without filters matches every event of its type")
    func eventTriggerWithoutFilters() throws {
        let trigger = try Fixture.eventTrigger("id: on-push\ntrigger: {type: event, event_type: repo.push}\n")
        #expect(trigger == EventTrigger(eventType: "repo.push", filters: [:]))
    }

    @Test("a definition without trigger runs only by hand")
    func noTrigger() throws {
        #expect(try Fixture.definition("id: manual-only\n").trigger == nil)
    }

    @Test("a misspelt cron_expression is reported at the key, and the missing one at the trigger")
    func misspeltKey() throws {
        let file = Fixture.parse(
            """
            id: typo
            trigger:
              type: cron
              cron_expresion: "0 6 * * *"
            """)
        #expect(file.documents.isEmpty)
        #expect(file.issues.count == 2)
        let unknown = try #require(file.issues.first { $0.code == .unknownKey })
        #expect(unknown.location.line == 4)
        #expect(unknown.location.column == 3)
        #expect(unknown.message.contains("unknown key 'trigger.cron_expresion' for a cron trigger"))
        #expect(
            unknown.message.contains(
                "(accepted: type, cron_expression, timezone, misfire_policy, jitter_seconds, catchup_window_seconds)"))
        let missing = try #require(file.issues.first { $0.code == .missingKey })
        #expect(missing.location.line == 3)
        #expect(missing.location.column == 3)
        #expect(missing.message == "missing required key 'trigger.cron_expression'")
    }

    @Test("a trigger key given twice is reported at one of its copies")
    func duplicateTriggerKey() throws {
        let file = Fixture.parse(
            """
            id: twice
            trigger:
              type: cron
              timezone: UTC
              cron_expression: "0 6 * * *"
              timezone: Europe/Berlin
            """)
        #expect(file.documents.isEmpty)
        #expect(file.issues.count == 1)
        let issue = try #require(file.issues.first)
        // Contract: an error inside `trigger` carries the file's line and column.
        let location = [issue.location.line, issue.location.column]
        #expect(location == [6, 3] || location == [4, 3], "\(issue)")
        #expect(issue.message.contains("timezone"), "\(issue.message)")
    }

    static let broken: [BrokenCase] = [
        BrokenCase(
            "cron minute out of range", .invalidValue, at: 4, 20,
            "invalid cron expression \"60 * * * *\": minute value 60 is out of range 0-59",
            Self.cron(expression: "60 * * * *")),
        BrokenCase(
            "cron unknown shorthand", .invalidValue, at: 4, 20, "unknown shorthand @reboot",
            Self.cron(expression: "@reboot")),
        BrokenCase(
            "cron wrong field count", .invalidValue, at: 4, 20, "expected 5 fields", Self.cron(expression: "0 6 * *")),
        BrokenCase(
            "cron backwards day range", .invalidValue, at: 4, 20, "day-of-week range \"FRI-MON\" runs backwards",
            Self.cron(expression: "0 6 * * FRI-MON")),
        BrokenCase(
            "cron bad step", .invalidValue, at: 4, 20, "minute step \"0\" must be a number from 1 to 59",
            Self.cron(expression: "*/0 * * * *")),
        BrokenCase(
            "cron unknown month name", .invalidValue, at: 4, 20, "month value \"JUNE\"",
            Self.cron(expression: "0 6 * JUNE *")),
        BrokenCase(
            "cron expression not a string", .invalidValue, at: 4, 20, "'trigger.cron_expression' must be a string",
            "id: t\ntrigger:\n  type: cron\n  cron_expression: [0, 6]\n"),
        BrokenCase(
            "unknown time zone", .invalidValue, at: 5, 13, "unknown IANA time zone \"Mars/Olympus\"",
            Self.cron("  timezone: Mars/Olympus")),
        BrokenCase(
            "time zone not a string", .invalidValue, at: 5, 13, "'trigger.timezone' must be a string",
            Self.cron("  timezone: {name: UTC}")),
        BrokenCase(
            "unknown misfire policy", .invalidValue, at: 5, 19,
            "'trigger.misfire_policy' must be skip, catchup_all (catchup) or catchup_latest (compress), "
                + "got \"sometimes\"",
            Self.cron("  misfire_policy: sometimes")),
        BrokenCase(
            "catchup window below 10", .invalidValue, at: 5, 27,
            "'trigger.catchup_window_seconds' must be from 10 to 3155760000 of seconds (Temporal's minimum is 10), got 9",
            Self.cron("  catchup_window_seconds: 9")),
        BrokenCase(
            "negative jitter", .invalidValue, at: 5, 19,
            "'trigger.jitter_seconds' must be from 0 to 3155760000 of seconds, got -5",
            Self.cron("  jitter_seconds: -5")),
        BrokenCase(
            "jitter not a number", .invalidValue, at: 5, 19,
            "'trigger.jitter_seconds' must be a whole number of seconds",
            Self.cron("  jitter_seconds: \"abc\"")),
        BrokenCase(
            "jitter a fraction", .invalidValue, at: 5, 19, "'trigger.jitter_seconds' must be a whole number",
            Self.cron("  jitter_seconds: 1.5")),
        BrokenCase(
            "unknown key in a cron trigger", .unknownKey, at: 5, 3,
            "unknown key 'trigger.time_zone' for a cron trigger", Self.cron("  time_zone: UTC")),
        BrokenCase(
            "event key in a cron trigger", .unknownKey, at: 5, 3,
            "unknown key 'trigger.event_type' for a cron trigger", Self.cron("  event_type: repo.push")),
        BrokenCase(
            "cron key in an event trigger", .unknownKey, at: 5, 3,
            "unknown key 'trigger.cron_expression' for an event trigger (accepted: type, event_type, filters)",
            "id: t\ntrigger:\n  type: event\n  event_type: repo.push\n  cron_expression: \"0 6 * * *\"\n"),
        BrokenCase(
            "trigger without type", .missingKey, at: 3, 3, "missing required key 'trigger.type'",
            "id: t\ntrigger:\n  cron_expression: \"0 6 * * *\"\n"),
        BrokenCase(
            "unknown trigger type", .invalidValue, at: 3, 9, "'trigger.type' must be cron or event, got \"schedule\"",
            "id: t\ntrigger:\n  type: schedule\n  cron_expression: \"0 6 * * *\"\n"),
        BrokenCase(
            "trigger not a mapping", .invalidValue, at: 2, 10, "'trigger' must be a mapping",
            "id: t\ntrigger: cron\n"),
        BrokenCase(
            "event trigger without event_type", .missingKey, at: 2, 10, "missing required key 'trigger.event_type'",
            "id: t\ntrigger: {type: event}\n"),
        BrokenCase(
            "event trigger with a bad event type id", .invalidValue, at: 4, 15,
            "'trigger.event_type' \"repo push\" is not a valid event type id",
            "id: t\ntrigger:\n  type: event\n  event_type: \"repo push\"\n"),
        BrokenCase(
            "filters not a mapping", .invalidValue, at: 5, 12, "'trigger.filters' must be a mapping",
            "id: t\ntrigger:\n  type: event\n  event_type: repo.push\n  filters: [attributes.repo]\n"),
        BrokenCase(
            "filter key with an empty path segment", .invalidValue, at: 5, 13,
            "'trigger.filters' keys must be dotted paths such as attributes.repo",
            "id: t\ntrigger:\n  type: event\n  event_type: repo.push\n  filters: {\"attributes..repo\": x}\n"),
        BrokenCase(
            "filter key starting with a dot", .invalidValue, at: 6, 5,
            "'trigger.filters' keys must be dotted paths",
            "id: t\ntrigger:\n  type: event\n  event_type: repo.push\n  filters:\n    .repo: x\n"),
    ]

    @Test("each broken trigger is reported once, at its place", arguments: TriggerValidationTests.broken)
    func brokenTrigger(_ broken: BrokenCase) throws {
        try Fixture.expectOnlyIssue(broken)
    }
}
