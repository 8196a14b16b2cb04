import Foundation
import Logging
import NIOCore
import Testing

@testable import NATS

/// Core NATS events in hand: waits end at an arrival, a retry, a wake or a cancellation;
/// retries come back only after their delay. The waits here are ten minutes long and the
/// suite's limit is one: a wait that does not end as it should fails the test, whatever the
/// load (no bound on how fast a loaded machine resumes a task).
@Suite("Core NATS event inbox", .timeLimit(.minutes(1)))
struct CoreEventInboxTests {
    static let long = Duration.seconds(600)

    static func message(_ n: Int) -> NATSMessage {
        NATSMessage(subject: "activity.e\(n)", payload: ByteBuffer(string: #"{"type":"t"}"#))
    }

    static func inbox(capacity: Int = 10, maxAttempts: Int = 3) -> CoreEventInbox {
        CoreEventInbox(capacity: capacity, maxAttempts: maxAttempts, logger: Logger(label: "test"))
    }

    @Test("a wait ends at the first arrival")
    func arrivalEndsWait() async throws {
        let inbox = Self.inbox()
        async let taken = inbox.take(5, expires: Self.long)
        try await Task.sleep(for: .milliseconds(100))
        inbox.arrived(Self.message(1))
        #expect(await taken.map(\.message.subject) == ["activity.e1"])
    }

    @Test("with nothing in hand a take returns empty when it expires, not before")
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
        inbox.arrived(Self.message(2))
        let firsts = await inbox.take(2, expires: .seconds(1))
        try #require(firsts.count == 2)
        // Not before: one due in ten minutes is not handed out.
        inbox.retry(firsts[0], after: Self.long)
        #expect(await inbox.take(1, expires: .milliseconds(100)).isEmpty)
        // After: one due in 300 ms comes back to a take already waiting, with its ID.
        let failedAt = ContinuousClock.now
        inbox.retry(firsts[1], after: .milliseconds(300))
        let again = try #require(await inbox.take(1, expires: Self.long).first)
        #expect(ContinuousClock.now - failedAt >= .milliseconds(300))
        #expect(again.deliveryID == firsts[1].deliveryID && again.attempt == 2)
        #expect(again.message.subject == "activity.e2")
        inbox.retry(again, after: .zero)
        #expect(inbox.gaveUp == 1)
    }

    @Test("a retry made while a take waits shortens the wait to its due time")
    func retryWakesWaiter() async throws {
        let inbox = Self.inbox()
        inbox.arrived(Self.message(1))
        let first = try #require(await inbox.take(1, expires: .seconds(1)).first)
        async let taken = inbox.take(1, expires: Self.long)
        try await Task.sleep(for: .milliseconds(100))
        inbox.retry(first, after: .milliseconds(200))
        #expect(await taken.first?.deliveryID == first.deliveryID)
    }

    @Test("a retry that lands between a take's look and its wait is not missed (500 races)")
    func retryRace() async throws {
        let inbox = Self.inbox(maxAttempts: 1_000)
        inbox.arrived(Self.message(1))
        var entry = try #require(await inbox.take(1, expires: .seconds(1)).first)
        for round in 0..<500 {
            async let taken = inbox.take(1, expires: Self.long)
            // Lands before, during or after the take's look at the state.
            if round % 2 == 1 { try await Task.sleep(for: .microseconds(round % 7 * 20)) }
            inbox.retry(entry, after: .zero)
            entry = try #require(await taken.first)
        }
        #expect(entry.attempt == 501)
    }

    @Test("retries waiting for their delay count against the capacity")
    func capacity() async throws {
        let inbox = Self.inbox(capacity: 2)
        inbox.arrived(Self.message(1))
        let first = try #require(await inbox.take(1, expires: .seconds(1)).first)
        inbox.retry(first, after: Self.long)
        inbox.arrived(Self.message(2))
        inbox.arrived(Self.message(3))
        #expect(inbox.dropped == 1)
    }

    @Test("a cancelled take ends, empty")
    func cancelled() async {
        let inbox = Self.inbox()
        let taken = await withTaskGroup(of: [PendingEvents.Entry].self) { group in
            group.addTask { await inbox.take(1, expires: Self.long) }
            try? await Task.sleep(for: .milliseconds(100))
            group.cancelAll()
            return await group.next() ?? []
        }
        #expect(taken.isEmpty)
    }

    @Test("wake() ends a take in progress, empty (the source closes)")
    func wake() async throws {
        let inbox = Self.inbox()
        async let taken = inbox.take(1, expires: Self.long)
        // A wake before the take began would not concern it.
        while !inbox.isWaiting { try await Task.sleep(for: .milliseconds(10)) }
        inbox.wake()
        #expect(await taken.isEmpty)
    }
}
