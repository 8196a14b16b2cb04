import Synchronization

/// What a `NotificationListener` shares with the rest of the process: whether it is
/// listening now, and a way to cut its reconnect backoff short (PostgreSQL answered another
/// connection, so it is worth trying again at once).
public final class ListenerState: Sendable {
    private struct State {
        var listening = false
        var woken = false
    }

    private let state = Mutex(State())

    public init() {}

    /// True while the LISTEN connection is up.
    public var isListening: Bool { self.state.withLock { $0.listening } }

    /// Set by the listener (and by tests standing in for one).
    public func setListening(_ listening: Bool) {
        self.state.withLock {
            $0.listening = listening
            $0.woken = false
        }
    }

    /// Ends the current reconnect wait (within 100 ms), or the next one.
    public func retryNow() {
        self.state.withLock { state in
            if !state.listening { state.woken = true }
        }
    }

    /// Waits `delay`, or less when `retryNow()` is called meanwhile.
    func wait(_ delay: Duration) async {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end && !Task.isCancelled {
            let woken = self.state.withLock { state -> Bool in
                defer { state.woken = false }
                return state.woken
            }
            if woken { return }
            try? await Task.sleep(for: min(.milliseconds(100), end - ContinuousClock.now))
        }
    }
}
