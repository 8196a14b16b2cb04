import Synchronization

/// Opens once the worker's startup work (migrations, startup sync) is done: the event router
/// waits for it, so that an event already in the stream is not judged against an empty or
/// stale index (it would be acknowledged as unmatched and lost). Waiters are resumed when it
/// opens (or when their task is cancelled), not polled.
public final class StartupGate: Sendable {
    private struct State {
        var open = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func open() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    public var opened: Bool { self.state.withLock { $0.open } }

    /// Returns when the gate is open, or when the task is cancelled.
    public func wait() async {
        let id = self.state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = self.state.withLock { state -> Bool in
                    // Open already, or cancelled before we got here (the handler found no waiter).
                    if state.open || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
