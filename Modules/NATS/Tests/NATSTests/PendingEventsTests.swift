import EventTypes
import Foundation
import NIOCore
import Testing

@testable import NATS

/// Core NATS events in hand: order, capacity, retries with a stable delivery ID.
@Suite("PendingEvents and delivery IDs")
struct PendingEventsTests {
    static func message(_ n: Int) -> NATSMessage {
        NATSMessage(subject: "activity.e\(n)", payload: ByteBuffer(string: #"{"type":"t"}"#))
    }

    @Test("arrivals come out oldest first; a full queue drops and counts")
    func orderAndCapacity() {
        var pending = PendingEvents(capacity: 2, maxAttempts: 3)
        let accepted = [pending.arrived(Self.message(1)), pending.arrived(Self.message(2))]
        let overflow = pending.arrived(Self.message(3))
        #expect(accepted == [true, true])
        #expect(!overflow)
        #expect(pending.dropped == 1)
        let taken = pending.take(5)
        #expect(taken.map(\.message.subject) == ["activity.e1", "activity.e2"])
        #expect(pending.isEmpty)
    }

    @Test("a failed event comes back with the same delivery ID until its attempts are spent")
    func retries() throws {
        var pending = PendingEvents(capacity: 10, maxAttempts: 3)
        _ = pending.arrived(Self.message(1))
        _ = pending.arrived(Self.message(2))
        let taken = pending.take(1)
        let first = try #require(taken.first)
        #expect(first.attempt == 1)
        let afterFirst = pending.nextAttempt(after: first)
        let second = try #require(afterFirst)
        let afterSecond = pending.nextAttempt(after: second)
        let third = try #require(afterSecond)
        #expect(second.attempt == 2)
        #expect(third.attempt == 3)
        #expect(Set([first.deliveryID, second.deliveryID, third.deliveryID]).count == 1)
        let spent = pending.nextAttempt(after: third)
        #expect(spent == nil)
        #expect(pending.gaveUp == 1)
        // Every arrival has its own ID.
        let other = pending.take(1).first
        #expect(other?.deliveryID != first.deliveryID)
    }

    @Test("a stream message's delivery ID is a UUID fixed by stream, its creation and the sequence")
    func streamDeliveryID() {
        let created = "2026-11-29T09:13:50.095862561Z"
        let id = ReceivedEvent.deliveryID(stream: "ACTIVITY_EVENTS", created: created, sequence: 42)
        #expect(id == ReceivedEvent.deliveryID(stream: "ACTIVITY_EVENTS", created: created, sequence: 42))
        #expect(id != ReceivedEvent.deliveryID(stream: "ACTIVITY_EVENTS", created: created, sequence: 43))
        #expect(id != ReceivedEvent.deliveryID(stream: "OTHER", created: created, sequence: 42))
        // The stream deleted and made again counts from 1 again: other IDs.
        #expect(
            id != ReceivedEvent.deliveryID(stream: "ACTIVITY_EVENTS", created: "2026-11-30T00:00:00Z", sequence: 42))
        #expect(
            id.range(
                of: "^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression
            ) != nil)
    }
}

extension PendingEventsTests {
    @Test("a delayed retry is released at its due time, earliest first, to the end of the queue")
    func delayed() throws {
        var pending = PendingEvents(capacity: 3, maxAttempts: 3)
        _ = pending.arrived(Self.message(1))
        _ = pending.arrived(Self.message(2))
        let taken = pending.take(2)
        let now = ContinuousClock.now
        let secondRetry = pending.nextAttempt(after: taken[1])
        let firstRetry = pending.nextAttempt(after: taken[0])
        let delayedSecond = pending.delay(try #require(secondRetry), until: now + .seconds(2))
        let delayedFirst = pending.delay(try #require(firstRetry), until: now + .seconds(1))
        #expect(delayedSecond && delayedFirst)
        #expect(pending.nextDue == now + .seconds(1))
        _ = pending.arrived(Self.message(3))
        #expect(pending.count == 3)
        let overflow = pending.arrived(Self.message(4))
        #expect(!overflow)
        pending.release(at: now + .milliseconds(500))
        let early = pending.take(5)
        #expect(early.map(\.message.subject) == ["activity.e3"])
        pending.release(at: now + .seconds(3))
        let released = pending.take(5)
        #expect(released.map(\.message.subject) == ["activity.e1", "activity.e2"])
        #expect(released.allSatisfy { $0.due == nil && $0.attempt == 2 })
        #expect(pending.nextDue == nil)
    }
}
