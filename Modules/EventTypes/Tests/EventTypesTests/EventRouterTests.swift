import Definitions
import Foundation
import Logging
import Synchronization
import Testing

@testable import EventTypes

@Suite("EventRouter with in-memory ports")
struct EventRouterTests {
    final class Starter: WorkflowStarter {
        let started = Mutex<Set<String>>([])
        let failing = Mutex(false)
        /// Workflow IDs whose next start fails (once each).
        let failOnce = Mutex<Set<String>>([])

        func start(workflowID: String, input: Data) async throws -> Bool {
            if self.failing.withLock({ $0 }) { throw CancellationError() }
            if self.failOnce.withLock({ $0.remove(workflowID) }) != nil { throw CancellationError() }
            return self.started.withLock { $0.insert(workflowID).inserted }
        }
    }

    struct FixedIndex: RoutingIndexProvider {
        let index: RoutingIndex
        func currentIndex() async throws -> RoutingIndex { self.index }
    }

    struct NoSource: EventSource {
        func fetch(batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void)
            async throws -> Int
        { 0 }
    }

    final class Acks: Sendable {
        let log = Mutex<[String]>([])
        func event(
            _ body: String, subject: String = "activity.x", id: String? = nil, deliveryID: String? = nil
        ) -> ReceivedEvent {
            ReceivedEvent(
                subject: subject,
                body: Data(body.utf8),
                messageID: id,
                deliveryID: deliveryID,
                ack: { self.log.withLock { $0.append("ack") } },
                nak: { _ in self.log.withLock { $0.append("nak") } }
            )
        }
    }

    static func router(_ starter: Starter) -> EventRouter {
        EventRouter(
            source: NoSource(),
            starter: starter,
            index: FixedIndex(index: RoutingIndexTests.index),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    @Test("an event starts its definitions once; a redelivery is deduplicated; both are acked")
    func dedupe() async {
        let starter = Starter()
        let router = Self.router(starter)
        let acks = Acks()
        let body = #"{"id":"e1","type":"repo.push","attributes":{"repo":"coulomb/app"}}"#
        #expect(await router.handle(acks.event(body)) == .routed(started: 2, deduplicated: 0))
        #expect(await router.handle(acks.event(body)) == .routed(started: 0, deduplicated: 2))
        #expect(starter.started.withLock { $0 } == ["activity-review-all:e1", "activity-review-app:e1"])
        #expect(acks.log.withLock { $0 } == ["ack", "ack"])
    }

    @Test("an event without an ID that fails halfway: its redelivery starts the rest and nothing twice")
    func partialFailureWithoutID() async throws {
        let starter = Starter()
        let router = Self.router(starter)
        let acks = Acks()
        let body = #"{"type":"repo.push","attributes":{"repo":"coulomb/app"}}"#
        let deliveryID = "3f1c2a9e-0000-5000-8000-000000000001"
        // Starts run in index order; the second one fails the first time.
        starter.failOnce.withLock { $0 = ["activity-review-app:\(deliveryID)"] }
        let first = await router.handle(acks.event(body, deliveryID: deliveryID))
        guard case .failed = first else {
            Issue.record("expected a failed outcome, got \(first)")
            return
        }
        let again = await router.handle(acks.event(body, deliveryID: deliveryID))
        #expect(again == .routed(started: 1, deduplicated: 1))
        #expect(
            starter.started.withLock { $0 }
                == ["activity-review-all:\(deliveryID)", "activity-review-app:\(deliveryID)"])
        #expect(acks.log.withLock { $0 } == ["nak", "ack"])
        // Without a delivery ID each delivery would be a new event: no dedupe.
        let random = try EventEnvelope(body: Data(body.utf8), messageID: nil)
        #expect(try EventEnvelope(body: Data(body.utf8), messageID: nil).id != random.id)
        #expect(try EventEnvelope(body: Data(body.utf8), messageID: nil, deliveryID: deliveryID).id == deliveryID)
        #expect(
            try EventEnvelope(body: Data(#"{"id":"own"}"#.utf8), messageID: "m", deliveryID: deliveryID).id == "own")
    }

    @Test("a non-JSON body is acked and counted as rejected; the next event is routed")
    func rejected() async {
        let router = Self.router(Starter())
        let acks = Acks()
        #expect(await router.handle(acks.event("not json")) == .rejected("message body is not a JSON object"))
        #expect(
            await router.handle(acks.event(#"{"id":"e2","type":"repo.push"}"#)) == .routed(started: 1, deduplicated: 0))
        #expect(router.currentCounts.rejected == 1)
        #expect(router.currentCounts.routed == 1)
        #expect(acks.log.withLock { $0 } == ["ack", "ack"])
    }

    @Test("a failed start naks the event so it comes back")
    func failedStart() async {
        let starter = Starter()
        starter.failing.withLock { $0 = true }
        let router = Self.router(starter)
        let acks = Acks()
        guard case .failed = await router.handle(acks.event(#"{"id":"e3","type":"repo.push"}"#)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(acks.log.withLock { $0 } == ["nak"])
        #expect(router.currentCounts.failed == 1)
    }

    @Test("an unknown type is unmatched and acked")
    func unmatched() async {
        let router = Self.router(Starter())
        let acks = Acks()
        guard case .unmatched = await router.handle(acks.event(#"{"type":"who.knows"}"#)) else {
            Issue.record("expected unmatched")
            return
        }
        #expect(acks.log.withLock { $0 } == ["ack"])
        #expect(router.currentCounts.unmatched == 1)
    }
}
