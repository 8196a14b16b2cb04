import Synchronization

/// Remembers which unreadable rows a store has logged, so that a row is logged once per
/// process (and again only when its content changes), not on every read.
final class UnreadableRowLog: Sendable {
    private let logged = Mutex<Set<String>>([])

    /// Runs `log` the first time `id` is seen with this content `hash`.
    func report(id: String, hash: String, _ log: () -> Void) {
        let isNew = self.logged.withLock { $0.insert(id + "\u{1F}" + hash).inserted }
        if isNew { log() }
    }
}
