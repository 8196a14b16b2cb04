import Logging
import Synchronization

/// The core NATS events in hand. Subscriptions hand messages in on the connection's event
/// loop (`arrived`), failed events come back after their delay (`retry`), and the router takes
/// them out (`take`), waiting at most `expires` when none is due. No task of its own: a wait is
/// a task group of the caller's (a timer beside the arrival).
final class CoreEventInbox: Sendable {
    private struct State {
        var pending: PendingEvents
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        var waits = 0
        /// A wait cancelled before it registered its continuation.
        var cancelled: Int?
        /// How many times `wake()` was called: a take in progress then returns.
        var wakes = 0
        /// Counts every change a waiting take must see (an arrival, a retry, a wake): a take
        /// that read the state before a change does not start waiting after it.
        var changes = 0

        mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
            defer { self.waiter = nil }
            return self.waiter?.continuation
        }
    }

    private let state: Mutex<State>
    let logger: Logger

    init(capacity: Int, maxAttempts: Int, logger: Logger) {
        self.state = Mutex(State(pending: PendingEvents(capacity: capacity, maxAttempts: maxAttempts)))
        self.logger = logger
    }

    /// How many messages were dropped because the buffer was full (the router fell behind).
    var dropped: Int { self.state.withLock { $0.pending.dropped } }
    /// How many events were given up after their attempts failed.
    var gaveUp: Int { self.state.withLock { $0.pending.gaveUp } }

    /// Whether a take is waiting now.
    var isWaiting: Bool { self.state.withLock { $0.waiter != nil } }

    /// A message arrived (on the connection's event loop: never blocks).
    func arrived(_ message: NATSMessage) {
        let (accepted, dropped, waiter) = self.state.withLock { state in
            let accepted = state.pending.arrived(message)
            if accepted { state.changes += 1 }
            return (accepted, state.pending.dropped, accepted ? state.takeWaiter() : nil)
        }
        waiter?.resume()
        if !accepted { self.warnDropped(dropped) }
    }

    /// A failed event comes back after `delay`, or is given up after its last attempt.
    func retry(_ entry: PendingEvents.Entry, after delay: Duration) {
        enum Outcome {
            case delayed(CheckedContinuation<Void, Never>?)
            case dropped(Int)
            case gaveUp(Int)
        }
        let outcome = self.state.withLock { state -> Outcome in
            guard let next = state.pending.nextAttempt(after: entry) else { return .gaveUp(state.pending.gaveUp) }
            guard state.pending.delay(next, until: .now + delay) else { return .dropped(state.pending.dropped) }
            state.changes += 1
            // A waiting router recomputes its wait with this retry's due time.
            return .delayed(state.takeWaiter())
        }
        switch outcome {
        case .delayed(let waiter):
            waiter?.resume()
        case .dropped(let dropped):
            self.warnDropped(dropped)
        case .gaveUp(let gaveUp):
            self.logger.error(
                "event given up: its workflow starts failed on every attempt (core NATS keeps no copy)",
                metadata: [
                    "event.subject": "\(entry.message.subject)", "attempts": "\(entry.attempt)",
                    "events.given_up": "\(gaveUp)",
                ])
        }
    }

    /// Up to `batch` events, oldest first. When none is due, waits for an arrival or the next
    /// retry's due time, at most `expires`; returns none when `expires` passed or `wake()` was
    /// called.
    func take(_ batch: Int, expires: Duration) async -> [PendingEvents.Entry] {
        let deadline = ContinuousClock.now + expires
        let wakes = self.state.withLock { $0.wakes }
        while !Task.isCancelled {
            let (taken, nextDue, woken, seen) = self.state.withLock { state in
                state.pending.release(at: .now)
                return (state.pending.take(batch), state.pending.nextDue, state.wakes != wakes, state.changes)
            }
            guard taken.isEmpty else { return taken }
            guard !woken, ContinuousClock.now < deadline else { return [] }
            await self.wait(until: min(deadline, nextDue ?? deadline), seen: seen)
        }
        return []
    }

    /// Ends a take in progress, with what is in hand (the source is closing).
    func wake() {
        self.state.withLock { state in
            state.wakes += 1
            state.changes += 1
            return state.takeWaiter()
        }?.resume()
    }

    private func wait(until instant: ContinuousClock.Instant, seen: Int) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: instant, clock: .continuous) }
            group.addTask { await self.change(since: seen) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns at the next arrival, retry or `wake()` (at once when one came since the take
    /// read the state, `seen`), or when cancelled.
    private func change(since seen: Int) async {
        let id = self.state.withLock { state in
            state.waits += 1
            return state.waits
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (now, replaced) = self.state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                    if state.cancelled == id || state.changes != seen { return (true, nil) }
                    let replaced = state.takeWaiter()
                    state.waiter = (id, continuation)
                    return (false, replaced)
                }
                replaced?.resume()
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard state.waiter?.id == id else {
                    state.cancelled = id
                    return nil
                }
                return state.takeWaiter()
            }
            waiter?.resume()
        }
    }

    private func warnDropped(_ dropped: Int) {
        if dropped == 1 || dropped % 1000 == 0 {
            self.logger.warning("event buffer full; events dropped", metadata: ["events.dropped": "\(dropped)"])
        }
    }
}
