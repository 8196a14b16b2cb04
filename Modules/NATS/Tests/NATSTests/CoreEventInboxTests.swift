import Foundation
import Logging
import NIOCore
import Testing

@testable import NATS

/// Core NATS events in hand: waits end at an arrival, retries come back only after their delay,
/// and nothing needs a task of its own.
@Suite("Core NATS event inbox")
struct CoreEventInboxTests {
    static func message(_ n: Int) -> NATSMessage {
        NATSMessage(subject: "activity.e\(n)", payload: ByteBuffer(string: #"{"type":"t"}"#))
    }

    static func inbox(capacity: Int = 10, maxAttempts: Int = 3) -> CoreEventInbox {
        CoreEventInbox(capacity: capacity, maxAttempts: maxAttempts, logger: Logger(label: "test"))
    }

    @Test("a wait ends at the first arrival, long before it expires")
    func arrivalEndsWait() async throws {
        let inbox = Self.inbox()
        let start = ContinuousClock.now
        async let taken = inbox.take(5, expires: .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        inbox.arrived(Self.message(1))
        let events = await taken
        #expect(events.map(\.message.subject) == ["activity.e1"])
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("with nothing in hand a take returns empty when it expires")
    func expires() async {
        let inbox = Self.inbox()
        let start = ContinuousClock.now
        let events = await inbox.take(5, expires: .milliseconds(200))
        #expect(events.isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(200))
    }

    @Test("a retry comes back after its delay, not before, with the same delivery ID; then it is given up")
    func retryAfterDelay() async throws {
        let inbox = Self.inbox(maxAttempts: 2)
        inbox.arrived(Self.message(1))
        let first = try #require(await inbox.take(1, expires: .seconds(1)).first)
        let failedAt = ContinuousClock.now
        inbox.retry(first, after: .milliseconds(400))
        #expect(await inbox.take(1, expires: .milliseconds(100)).isEmpty)
        // A waiting take wakes at the retry's due time, within its expiry.
        let second = try #require(await inbox.take(1, expires: .seconds(5)).first)
        #expect(ContinuousClock.now - failedAt >= .milliseconds(400))
        #expect(second.deliveryID == first.deliveryID && second.attempt == 2)
        inbox.retry(second, after: .zero)
        #expect(inbox.gaveUp == 1)
        #expect(await inbox.take(1, expires: .milliseconds(100)).isEmpty)
    }

    @Test("a retry made while a take waits shortens the wait to its due time")
    func retryWakesWaiter() async throws {
        let inbox = Self.inbox()
        inbox.arrived(Self.message(1))
        let first = try #require(await inbox.take(1, expires: .seconds(1)).first)
        let start = ContinuousClock.now
        async let taken = inbox.take(1, expires: .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        inbox.retry(first, after: .milliseconds(200))
        let again = await taken
        #expect(again.first?.deliveryID == first.deliveryID)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("retries waiting for their delay count against the capacity")
    func capacity() async throws {
        let inbox = Self.inbox(capacity: 2)
        inbox.arrived(Self.message(1))
        let first = try #require(await inbox.take(1, expires: .seconds(1)).first)
        inbox.retry(first, after: .seconds(60))
        inbox.arrived(Self.message(2))
        inbox.arrived(Self.message(3))
        #expect(inbox.dropped == 1)
    }

    @Test("a cancelled take ends at once")
    func cancelled() async {
        let inbox = Self.inbox()
        let start = ContinuousClock.now
        let task = Task { await inbox.take(1, expires: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        #expect(await task.value.isEmpty)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("wake() ends a wait (the source closes)")
    func wake() async throws {
        let inbox = Self.inbox()
        let start = ContinuousClock.now
        async let taken = inbox.take(1, expires: .milliseconds(600))
        try await Task.sleep(for: .milliseconds(100))
        inbox.wake()
        // Woken with nothing in hand, the take waits out the rest of its expiry: never longer.
        #expect(await taken.isEmpty)
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
