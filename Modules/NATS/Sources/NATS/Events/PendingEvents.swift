import Foundation
import NIOCore

/// Core NATS events waiting for the router, in arrival order. Core NATS keeps no copy, so a
/// failed start is retried here: the event comes back (with the same delivery ID, so nothing
/// starts twice) until `maxAttempts`, then it is given up and counted.
struct PendingEvents {
    struct Entry: Sendable {
        var message: NATSMessage
        /// The event ID when the message has none, the same on every attempt.
        var deliveryID: String
        var attempt: Int
    }

    let capacity: Int
    let maxAttempts: Int
    /// A ring: taking from the front does not move the rest.
    private(set) var entries = CircularBuffer<Entry>()
    /// Arrivals and retries refused because the queue was full (the router fell behind).
    private(set) var dropped = 0
    /// Events given up after `maxAttempts` failed attempts.
    private(set) var gaveUp = 0

    init(capacity: Int, maxAttempts: Int) {
        self.capacity = max(1, capacity)
        self.maxAttempts = max(1, maxAttempts)
    }

    var isEmpty: Bool { self.entries.isEmpty }

    /// A new arrival, first attempt; false when the queue is full and it was dropped.
    mutating func arrived(_ message: NATSMessage) -> Bool {
        self.append(Entry(message: message, deliveryID: UUID().uuidString.lowercased(), attempt: 1))
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

    /// Puts an entry (back) at the end; false when the queue is full and it was dropped.
    mutating func append(_ entry: Entry) -> Bool {
        guard self.entries.count < self.capacity else {
            self.dropped += 1
            return false
        }
        self.entries.append(entry)
        return true
    }
}
