import Foundation
import Synchronization

/// The slots of one kind of task (workflow tasks, actions, bookkeeping activities): a poller
/// takes a slot before it polls, so a worker only asks Temporal for work it can start at once,
/// and the task's handling gives the slot back. Waiters are served first come, first served.
/// As in Temporal's SDKs, a slot held by a poll is not available but not used either: "used"
/// counts the tasks being handled.
final class SlotPool: Sendable {
    let capacity: Int
    /// Called with the slots taken (polls and tasks) and those used by tasks after every change
    /// (the worker's slot gauges).
    private let observe: @Sendable (_ taken: Int, _ used: Int) -> Void

    private struct Waiter {
        let id: UUID
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var used = 0
        var handling = 0
        var waiters: [Waiter] = []
        var closed = false
    }

    private let state = Mutex(State())

    init(capacity: Int, observe: @escaping @Sendable (_ taken: Int, _ used: Int) -> Void = { _, _ in }) {
        self.capacity = max(1, capacity)
        self.observe = observe
        observe(0, 0)
    }

    /// Slots taken now (by polls and tasks).
    var taken: Int { self.state.withLock { $0.used } }

    /// Slots whose task is being handled now.
    var handling: Int { self.state.withLock { $0.handling } }

    /// The taken slot now holds a task being handled.
    func use() {
        let (taken, used) = self.state.withLock { state in
            state.handling += 1
            return (state.used, state.handling)
        }
        self.observe(taken, used)
    }

    /// Waits for a free slot and takes it: true, or false when the pool was closed or the
    /// waiting task cancelled (no slot taken then).
    func acquire() async -> Bool {
        let id = UUID()
        let taken: (Int, Int)? = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now = self.state.withLock { state -> Bool? in
                    if state.closed || Task.isCancelled { return false }
                    if state.used < self.capacity {
                        state.used += 1
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            } ? self.state.withLock { ($0.used, $0.handling) } : nil
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: false)
        }
        guard let taken else { return false }
        self.observe(taken.0, taken.1)
        return true
    }

    /// Takes a free slot if there is one now, without waiting (and never ahead of a waiter).
    func tryAcquire() -> Bool {
        let taken = self.state.withLock { state -> (Int, Int)? in
            guard !state.closed, state.waiters.isEmpty, state.used < self.capacity else { return nil }
            state.used += 1
            return (state.used, state.handling)
        }
        guard let taken else { return false }
        self.observe(taken.0, taken.1)
        return true
    }

    /// Gives a slot back (`used`: its task was handled); the longest waiter takes it.
    func release(used: Bool = false) {
        let (waiter, taken, handling) = self.state.withLock { state -> (Waiter?, Int, Int) in
            if used { state.handling = max(0, state.handling - 1) }
            if !state.waiters.isEmpty, !state.closed {
                // The slot passes to the waiter: the count of slots taken stays.
                return (state.waiters.removeFirst(), state.used, state.handling)
            }
            state.used = max(0, state.used - 1)
            return (nil, state.used, state.handling)
        }
        waiter?.continuation.resume(returning: true)
        self.observe(taken, handling)
    }

    /// Refuses every later `acquire` and wakes the waiting ones with false; slots in use stay
    /// in use until released.
    func close() {
        let waiters = self.state.withLock { state -> [Waiter] in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: false) }
    }
}
