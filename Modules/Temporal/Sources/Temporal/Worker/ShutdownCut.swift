import Foundation
import Synchronization

/// The moment a stopping worker's grace runs out: every activity attempt still running is
/// told once (and one that registers later is told at once).
final class ShutdownCut: Sendable {
    private struct State {
        var fired = false
        var handlers: [UUID: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    init() {}

    var fired: Bool { self.state.withLock { $0.fired } }

    /// Runs `handler` when the cut comes (now, if it came); the ID removes it.
    func onCut(_ handler: @escaping @Sendable () -> Void) -> UUID {
        let id = UUID()
        let now = self.state.withLock { state -> Bool in
            if state.fired { return true }
            state.handlers[id] = handler
            return false
        }
        if now { handler() }
        return id
    }

    func remove(_ id: UUID) {
        _ = self.state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    func fire() {
        let handlers = self.state.withLock { state -> [@Sendable () -> Void] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }
}
