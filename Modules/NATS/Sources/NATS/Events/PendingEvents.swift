import Foundation
import NIOCore

/// Core NATS events waiting for the router, in arrival order. Core NATS keeps no copy, so a
/// failed start is retried here: the event comes back (with the same delivery ID, so nothing
/// starts twice) after its delay, until `maxAttempts`, then it is given up and counted. A
/// retry waiting for its delay counts against `capacity` like a queued event.
struct PendingEvents {
    struct Entry: Sendable {
        var message: NATSMessage
        /// The event ID when the message has none, the same on every attempt.
        var deliveryID: String
        var attempt: Int
        /// When a retry may be handed out again (nil: now).
        var due: ContinuousClock.Instant? = nil
    }

    let capacity: Int
    let maxAttempts: Int
    /// A ring: taking from the front does not move the rest.
    private(set) var entries = CircularBuffer<Entry>()
    /// Retries waiting for their delay, earliest first.
    private(set) var delayed: [Entry] = []
    /// Arrivals and retries refused because the queue was full (the router fell behind).
    private(set) var dropped = 0
    /// Events given up after `maxAttempts` failed attempts.
    private(set) var gaveUp = 0

    init(capacity: Int, maxAttempts: Int) {
        self.capacity = max(1, capacity)
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Nothing to hand out now (retries may still be waiting).
    var isEmpty: Bool { self.entries.isEmpty }

    /// When the earliest waiting retry is due.
    var nextDue: ContinuousClock.Instant? { self.delayed.first?.due }

    /// A new arrival, first attempt; false when the queue is full and it was dropped.
    mutating func arrived(_ message: NATSMessage) -> Bool {
        self.append(Entry(message: message, deliveryID: UUID().uuidString.lowercased(), attempt: 1))
    }

    /// Moves the retries due at `now` to the end of the queue, earliest first.
    mutating func release(at now: ContinuousClock.Instant) {
        while let first = self.delayed.first, let due = first.due, due <= now {
            self.delayed.removeFirst()
            var entry = first
            entry.due = nil
            self.entries.append(entry)
        }
    }

    /// Up to `count` entries, oldest first, out of the queue.
    mutating func take(_ count: Int) -> [Entry] {
        let taken = Array(self.entries.prefix(count))
        self.entries.removeFirst(taken.count)
        return taken
    }

    /// The next attempt of a failed entry, or nil when it has had its attempts (counted).
    mutating func nextAttempt(after entry: Entry) -> Entry? {
        guard entry.attempt < self.maxAttempts else {
            self.gaveUp += 1
            return nil
        }
        var next = entry
        next.attempt += 1
        return next
    }

    /// Holds a retry until `due`; false when the queue is full and it was dropped.
    mutating func delay(_ entry: Entry, until due: ContinuousClock.Instant) -> Bool {
        guard self.count < self.capacity else {
            self.dropped += 1
            return false
        }
        var entry = entry
        entry.due = due
        let index = self.delayed.firstIndex { ($0.due ?? due) > due } ?? self.delayed.endIndex
        self.delayed.insert(entry, at: index)
        return true
    }

    /// Queued and waiting entries.
    var count: Int { self.entries.count + self.delayed.count }

    /// Puts an entry (back) at the end; false when the queue is full and it was dropped.
    mutating func append(_ entry: Entry) -> Bool {
        guard self.count < self.capacity else {
            self.dropped += 1
            return false
        }
        self.entries.append(entry)
        return true
    }
}
