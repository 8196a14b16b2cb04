import Definitions
import Foundation
import Logging
import Synchronization
import Testing

@testable import EventTypes

@Suite("Event limits: wildcard subjects, long IDs, large bodies, dead letters")
struct EventSafetyTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func index(types: [StoredRecord<EventTypeDefinition>]) -> RoutingIndex {
        RoutingIndex(
            definitions: [
                RoutingIndexTests.definition("on-push", type: "push"),
                RoutingIndexTests.definition("on-any", type: "any"),
            ],
            eventTypes: types)
    }

    @Test("an untyped event takes the type of the most specific matching subject pattern")
    func wildcardSubjects() {
        let index = Self.index(types: [
            RoutingIndexTests.eventType("push", subject: "gitea.*.push"),
            RoutingIndexTests.eventType("any", subject: "gitea.>"),
        ])
        let event = { (subject: String) -> [String] in
            let envelope = try! EventEnvelope(body: Data(#"{"id":"e1"}"#.utf8), messageID: nil)
            guard case .start(let starts) = index.route(envelope, subject: subject) else { return [] }
            return starts.map(\.activityID)
        }
        #expect(event("gitea.a.push") == ["on-push"])
        #expect(event("gitea.a.pull") == ["on-any"])
        #expect(event("gitea.a.b.push") == ["on-any"])
        #expect(event("other.a.push") == [])
        #expect(index.sharedSubjects.isEmpty)
    }

    @Test("two enabled event types on one subject: reported, and the lowest ID routes")
    func sharedSubject() {
        let index = Self.index(types: [
            RoutingIndexTests.eventType("push", subject: "gitea.x"),
            RoutingIndexTests.eventType("any", subject: "gitea.x"),
        ])
        #expect(index.sharedSubjects == ["gitea.x": ["any", "push"]])
        #expect(index.eventType(forSubject: "gitea.x") == "any")
    }

    @Test("an event ID over 200 bytes or with a control character becomes a stable digest in the workflow ID")
    func longEventIDs() throws {
        let long = String(repeating: "x", count: 1_200)
        #expect(EventID.workflowPart("e1") == "e1")
        #expect(EventID.workflowPart(String(repeating: "y", count: 200)) == String(repeating: "y", count: 200))
        let digest = EventID.workflowPart(long)
        #expect(digest.hasPrefix("sha256-") && digest.count == 7 + 64)
        #expect(EventID.workflowPart(long) == digest)
        #expect(EventID.workflowPart(long + "z") != digest)
        #expect(EventID.workflowPart("a\u{7}b").hasPrefix("sha256-"))
        // The envelope handed to the run keeps the original ID.
        let index = Self.index(types: [RoutingIndexTests.eventType("push")])
        let envelope = try EventEnvelope(body: Data(#"{"id":"\#(long)","type":"push"}"#.utf8), messageID: nil)
        guard case .start(let starts) = index.route(envelope, subject: "s") else {
            Issue.record("not routed")
            return
        }
        #expect(starts.map(\.workflowID) == ["activity-on-push:\(digest)"])
        #expect(starts.first?.input["event"]?["id"]?.stringValue == long)
    }

    final class DeadLetters: DeadLetterPublisher {
        let published = Mutex<[(JSONValue, String)]>([])
        func publish(deadLetter envelope: JSONValue, messageID: String) async throws {
            self.published.withLock { $0.append((envelope, messageID)) }
        }
    }

    final class Log: Sendable {
        let entries = Mutex<[String]>([])
    }

    static func event(_ body: String, delivery: Int, log: Log) -> ReceivedEvent {
        ReceivedEvent(
            subject: "s", body: Data(body.utf8), messageID: nil, deliveryCount: delivery, stream: "EVENTS",
            sequence: 42,
            ack: { log.entries.withLock { $0.append("ack") } },
            nak: { _ in log.entries.withLock { $0.append("nak") } },
            term: { reason in log.entries.withLock { $0.append("term \(reason)") } })
    }

    @Test("a failing event is nak'd until its last delivery, then terminated, counted and announced once")
    func deadLetter() async throws {
        let starter = EventRouterTests.Starter()
        starter.failing.withLock { $0 = true }
        let deadLetters = DeadLetters()
        let router = EventRouter(
            source: EventRouterTests.NoSource(), starter: starter,
            index: EventRouterTests.FixedIndex(index: RoutingIndexTests.index), logger: Self.logger, maxDeliver: 3,
            deadLetters: deadLetters)
        let log = Log()
        let body = #"{"id":"e9","type":"repo.push","attributes":{"repo":"coulomb/app"}}"#
        for delivery in 1...2 {
            guard case .failed = await router.handle(Self.event(body, delivery: delivery, log: log)) else {
                Issue.record("delivery \(delivery) was not a failure")
                return
            }
        }
        guard case .deadLettered = await router.handle(Self.event(body, delivery: 3, log: log)) else {
            Issue.record("the last delivery was not dead-lettered")
            return
        }
        let actions = log.entries.withLock { $0 }
        #expect(actions.prefix(2) == ["nak", "nak"])
        #expect(actions.count == 3 && actions[2].hasPrefix("term "))
        #expect(router.currentCounts.deadLettered == 1 && router.currentCounts.failed == 2)
        let published = deadLetters.published.withLock { $0 }
        #expect(published.count == 1)
        let attributes = published.first?.0["attributes"]
        #expect(published.first?.0["type"]?.stringValue == "org.activity.event.dead_lettered")
        #expect(attributes?["stream"]?.stringValue == "EVENTS")
        #expect(attributes?["sequence"] == .integer(42))
        #expect(attributes?["event_id"]?.stringValue == "e9")
        #expect(attributes?["event_type"]?.stringValue == "repo.push")
        #expect(attributes?["reason"]?.stringValue?.isEmpty == false)
        #expect(published.first?.1 == "EVENTS:42:dead_lettered")

        // A dead-letter envelope that fails is terminated but not announced again (no loop).
        let announcement = String(decoding: published[0].0.canonicalJSON(), as: UTF8.self)
        let loopIndex = RoutingIndex(
            definitions: [RoutingIndexTests.definition("on-dead", type: "org.activity.event.dead_lettered")],
            eventTypes: [RoutingIndexTests.eventType("org.activity.event.dead_lettered")])
        let second = EventRouter(
            source: EventRouterTests.NoSource(), starter: starter,
            index: EventRouterTests.FixedIndex(index: loopIndex), logger: Self.logger, maxDeliver: 1,
            deadLetters: deadLetters)
        guard case .deadLettered = await second.handle(Self.event(announcement, delivery: 1, log: log)) else {
            Issue.record("the failing dead-letter envelope was not terminated")
            return
        }
        #expect(deadLetters.published.withLock { $0.count } == 1)
    }

    @Test("a body over 512 KiB is rejected and acknowledged before anything starts")
    func largeBody() async {
        let starter = EventRouterTests.Starter()
        let router = EventRouter(
            source: EventRouterTests.NoSource(), starter: starter,
            index: EventRouterTests.FixedIndex(index: RoutingIndexTests.index), logger: Self.logger)
        let log = Log()
        let padding = String(repeating: "p", count: 600 * 1024)
        let body = #"{"id":"big","type":"repo.push","attributes":{"pad":"\#(padding)"}}"#
        guard case .rejected(let reason) = await router.handle(Self.event(body, delivery: 1, log: log)) else {
            Issue.record("not rejected")
            return
        }
        #expect(reason.contains("524288"))
        #expect(log.entries.withLock { $0 } == ["ack"])
        #expect(starter.started.withLock { $0.isEmpty })
        #expect(router.currentCounts.rejected == 1)
    }

    final class OutageStarter: WorkflowStarter {
        struct Down: Error {}
        let waits = Mutex(0)
        func start(workflowID: String, input: Data) async throws -> Bool { throw Down() }
        func isUnavailable(_ error: any Error) -> Bool { error is Down }
        func waitUntilAvailable() async { self.waits.withLock { $0 += 1 } }
    }

    struct OneEventSource: EventSource {
        let event: ReceivedEvent
        func fetch(batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void)
            async throws -> Int
        {
            receive(self.event)
            return 1
        }
    }

    @Test("a start failing because Temporal is unavailable makes the next fetch wait until it answers")
    func outagePausesFetching() async throws {
        let starter = OutageStarter()
        let log = Log()
        let body = #"{"id":"e1","type":"repo.push","attributes":{"repo":"coulomb/app"}}"#
        let router = EventRouter(
            source: OneEventSource(event: Self.event(body, delivery: 1, log: log)), starter: starter,
            index: EventRouterTests.FixedIndex(index: RoutingIndexTests.index), logger: Self.logger, maxDeliver: 10)
        try await router.pollOnce()
        #expect(starter.waits.withLock { $0 } == 1)
        #expect(log.entries.withLock { $0 } == ["nak"])
        // A failure that is not about availability does not pause.
        let other = EventRouter(
            source: OneEventSource(event: Self.event(body, delivery: 1, log: log)),
            starter: EventRouterTests.Starter(), index: EventRouterTests.FixedIndex(index: RoutingIndexTests.index),
            logger: Self.logger)
        try await other.pollOnce()
        #expect(starter.waits.withLock { $0 } == 1)
    }

    @Test("an event ID is measured in characters: 200 multi-byte characters stay as they are")
    func idCharacters() {
        let accents = String(repeating: "é", count: 200)
        #expect(EventID.workflowPart(accents) == accents)
        #expect(EventID.workflowPart(accents + "é").hasPrefix("sha256-"))
    }
}
