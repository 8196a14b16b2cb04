import Synchronization

/// The client's subscriptions, kept across connections: a reconnect sends `SUB` again for
/// each persistent one, and their streams keep delivering. Also hands out sids and ids.
final class NATSSubscriptions: Sendable {
    struct Entry: Sendable {
        var subject: String
        var queue: String?
        /// Resubscribed after a reconnect; otherwise finished when the connection is lost.
        var persistent: Bool
        var sink: Sink
    }

    /// Where a subscription's messages go: a stream's continuation, or a handler called on
    /// the connection's event loop (it must not block).
    struct Sink: Sendable {
        let deliver: @Sendable (NATSMessage) -> Void
        let finish: @Sendable () -> Void

        static func stream(_ continuation: AsyncStream<NATSMessage>.Continuation) -> Sink {
            Sink(deliver: { continuation.yield($0) }, finish: { continuation.finish() })
        }
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 1
    }

    private let state = Mutex(State())

    func nextID() -> UInt64 {
        self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    func add(sid: UInt64, _ entry: Entry) {
        self.state.withLock { $0.entries[sid] = entry }
    }

    func remove(sid: UInt64) {
        let entry = self.state.withLock { $0.entries.removeValue(forKey: sid) }
        entry?.sink.finish()
    }

    func deliver(sid: UInt64, _ message: NATSMessage) {
        let sink = self.state.withLock { $0.entries[sid]?.sink }
        sink?.deliver(message)
    }

    /// The `SUB` lines that restore the persistent subscriptions on a new connection.
    func subscribeLines() -> String {
        self.state.withLock { state in
            state.entries.sorted { $0.key < $1.key }.map { sid, entry in
                Self.subscribeLine(entry.subject, queue: entry.queue, sid: sid)
            }.joined()
        }
    }

    /// `SUB <subject> [queue] <sid>`.
    static func subscribeLine(_ subject: String, queue: String?, sid: UInt64) -> String {
        "SUB \(subject)\(queue.map { " \($0)" } ?? "") \(sid)\r\n"
    }

    /// The connection is gone: ends the subscriptions that do not outlive it.
    func connectionLost() {
        let ended = self.state.withLock { state in
            let ended = state.entries.filter { !$0.value.persistent }
            for sid in ended.keys { state.entries[sid] = nil }
            return ended.values.map(\.sink)
        }
        for sink in ended { sink.finish() }
    }

    /// The client closed: ends every subscription. Returns the sids that were active.
    @discardableResult
    func finishAll() -> [UInt64] {
        let entries = self.state.withLock { state in
            defer { state.entries = [:] }
            return state.entries
        }
        for entry in entries.values { entry.sink.finish() }
        return entries.keys.sorted()
    }

    var activeSIDs: [UInt64] { self.state.withLock { $0.entries.keys.sorted() } }
}
