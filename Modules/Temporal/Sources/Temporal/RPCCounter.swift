import Synchronization

/// Counts RPCs by method, so that benchmarks and tests can prove "a repeat sync makes no
/// write call" from the client's side.
public final class RPCCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    func record(_ method: String) {
        self.counts.withLock { $0[method, default: 0] += 1 }
    }

    /// Calls per method so far.
    public var snapshot: [String: Int] { self.counts.withLock { $0 } }

    /// All calls so far.
    public var total: Int { self.counts.withLock { $0.values.reduce(0, +) } }

    public func reset() {
        self.counts.withLock { $0 = [:] }
    }
}
