import Synchronization

/// Opens once the worker's startup work (migrations, startup sync) is done: the event router
/// waits for it, so that an event already in the stream is not judged against an empty or
/// stale index (it would be acknowledged as unmatched and lost).
public final class StartupGate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    public init() {}

    public func open() {
        self.isOpen.store(true, ordering: .releasing)
    }

    public var opened: Bool { self.isOpen.load(ordering: .acquiring) }

    /// Returns when the gate is open, or when the task is cancelled.
    public func wait() async {
        while !self.opened && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
