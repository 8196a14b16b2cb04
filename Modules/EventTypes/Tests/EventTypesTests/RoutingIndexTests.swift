import Definitions
import Foundation
import Testing

@testable import EventTypes

@Suite("Event routing decisions")
struct RoutingIndexTests {
    static func definition(
        _ id: String, type: String, filters: [String: JSONValue] = [:], enabled: Bool = true, retired: Bool = false
    )
        -> StoredRecord<ActivityDefinition>
    {
        StoredRecord(
            document: ActivityDefinition(
                id: id, enabled: enabled, trigger: .event(EventTrigger(eventType: type, filters: filters)),
                document: .null),
            source: DefinitionSource(root: "/r", path: "\(id).yaml"),
            retiredAt: retired ? Date() : nil
        )
    }

    static func eventType(_ id: String, subject: String? = nil, enabled: Bool = true) -> StoredRecord<
        EventTypeDefinition
    > {
        StoredRecord(
            document: EventTypeDefinition(id: id, subject: subject, enabled: enabled, document: .null),
            source: DefinitionSource(root: "/r", path: "types.yaml")
        )
    }

    static let index = RoutingIndex(
        definitions: [
            definition("review-app", type: "repo.push", filters: ["attributes.repo": .string("coulomb/app")]),
            definition("review-all", type: "repo.push"),
            definition("off", type: "repo.push", enabled: false),
            definition("gone", type: "repo.push", retired: true),
            definition("audit", type: "org.activity.run.completed"),
            definition("cron-one", type: "unused").replacingTrigger(.cron(CronTrigger(cronExpression: "@daily"))),
        ],
        eventTypes: [
            eventType("repo.push", subject: "gitea.repo.push"),
            eventType("org.activity.run.completed"),
            eventType("disabled.type", enabled: false),
        ]
    )

    static func envelope(_ json: String, messageID: String? = nil) throws -> EventEnvelope {
        try EventEnvelope(body: Data(json.utf8), messageID: messageID)
    }

    static func started(_ decision: RoutingIndex.Decision) -> [String] {
        guard case .start(let starts) = decision else { return [] }
        return starts.map(\.activityID)
    }

    @Test(
        "which definitions an event starts",
        arguments: [
            (
                #"{"id":"e1","type":"repo.push","attributes":{"repo":"coulomb/app"}}"#, "activity.x",
                ["review-all", "review-app"]
            ),
            (#"{"id":"e2","type":"repo.push","attributes":{"repo":"other/app"}}"#, "activity.x", ["review-all"]),
            (#"{"id":"e3","attributes":{"repo":"coulomb/app"}}"#, "gitea.repo.push", ["review-all", "review-app"]),
            (
                #"{"id":"e4","type":"org.activity.run.completed","attributes":{"activity_id":"audit"}}"#,
                "org.activity.run.completed", []
            ),
            (
                #"{"id":"e5","type":"org.activity.run.completed","attributes":{"activity_id":"review-app"}}"#,
                "org.activity.run.completed", ["audit"]
            ),
        ]
    )
    func routes(json: String, subject: String, expected: [String]) throws {
        #expect(Self.started(Self.index.route(try Self.envelope(json), subject: subject)) == expected)
    }

    @Test("unknown, disabled and untyped events are unmatched")
    func unmatched() throws {
        for (json, subject) in [
            (#"{"type":"nobody.knows"}"#, "activity.x"), (#"{"type":"disabled.type"}"#, "activity.x"),
            (#"{"a":1}"#, "activity.x"),
        ] {
            guard case .unmatched = Self.index.route(try Self.envelope(json), subject: subject) else {
                Issue.record("\(json) should be unmatched")
                continue
            }
        }
    }

    @Test("workflow ID and input per CONTRACT section 5; the event ID falls back to the message ID")
    func startShape() throws {
        let decision = Self.index.route(
            try Self.envelope(#"{"type":"repo.push","attributes":{"repo":"x"}}"#, messageID: "nats-7"), subject: "s")
        guard case .start(let starts) = decision, let start = starts.first else {
            Issue.record("expected a start")
            return
        }
        #expect(start.workflowID == "activity-review-all:nats-7")
        #expect(start.input["activity_id"] == .string("review-all"))
        #expect(start.input["trigger"] == .string("event"))
        #expect(start.input["event"]?["id"] == .string("nats-7"))
        #expect(start.input["event"]?["attributes"]?["repo"] == .string("x"))
    }

    @Test("a body that is not a JSON object is refused", arguments: ["not json", "[1,2]", "42", ""])
    func rejected(body: String) {
        #expect(throws: EventEnvelopeError.self) { try EventEnvelope(body: Data(body.utf8), messageID: nil) }
    }

    @Test("filters: dotted paths, numbers compare by value, a missing path never matches")
    func filters() {
        let envelope: JSONValue = .object([
            "attributes": .object(["n": .integer(1), "deep": .object(["x": .bool(true)])])
        ])
        #expect(EventFilter.matches(["attributes.n": .number(1.0)], envelope: envelope))
        #expect(EventFilter.matches(["attributes.deep.x": .bool(true)], envelope: envelope))
        #expect(!EventFilter.matches(["attributes.missing": .null], envelope: envelope))
        #expect(!EventFilter.matches(["attributes.n": .integer(2)], envelope: envelope))
        #expect(EventFilter.matches([:], envelope: envelope))
    }

    @Test("the index lists the extra subjects of enabled event types")
    func subjects() {
        #expect(Self.index.subjects == ["gitea.repo.push"])
        #expect(Self.index.definitionCount == 3)
    }
}

extension StoredRecord where Document == ActivityDefinition {
    func replacingTrigger(_ trigger: Trigger) -> Self {
        var document = self.document
        document.trigger = trigger
        return StoredRecord(document: document, source: self.source)
    }
}
