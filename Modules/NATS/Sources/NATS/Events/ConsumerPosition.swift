import Synchronization

/// Where the router stands in its stream: the stream sequences delivered to it and not yet
/// acknowledged or given up (a nak keeps one pending), and the highest delivered. A consumer
/// made again after it was deleted starts at the lowest pending sequence, else after the
/// highest delivered, instead of replaying the whole stream.
final class ConsumerPosition: Sendable {
    private struct State {
        var pending: Set<UInt64> = []
        var highest: UInt64 = 0
    }

    private let state = Mutex(State())

    func delivered(_ sequence: UInt64) {
        self.state.withLock { state in
            state.pending.insert(sequence)
            state.highest = max(state.highest, sequence)
        }
    }

    /// Acknowledged or terminated: never delivered again.
    func done(_ sequence: UInt64) {
        _ = self.state.withLock { $0.pending.remove(sequence) }
    }

    /// The first sequence a new consumer must deliver; nil when nothing was delivered yet
    /// (it starts at the stream's first message).
    var resumeSequence: UInt64? {
        self.state.withLock { state in
            if let lowest = state.pending.min() { return lowest }
            return state.highest > 0 ? state.highest + 1 : nil
        }
    }

    /// A new stream (another incarnation of the name) counts from 1 again.
    func reset() {
        self.state.withLock { $0 = State() }
    }
}
