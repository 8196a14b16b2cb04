import Synchronization

/// Work that runs once at a time, however many ask: `join` shares the work in flight (or
/// starts it), `exclusive` waits for the work in flight to end and then runs its own. The work
/// runs in a task of its own: a caller that is cancelled stops waiting at once (it gets
/// `CancellationError`), and the work goes on for the others.
public final class SingleFlight<Value: Sendable>: Sendable {
    private struct Waiter {
        var flight: Int
        var continuation: CheckedContinuation<Value, any Error>
        /// An `exclusive` caller waiting for someone else's work: resumed to try again.
        var retry: Bool
    }

    private struct State {
        var flight: Int?
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
    }

    /// Thrown to an `exclusive` waiter when the work it waited behind has ended.
    private struct TryAgain: Error {}

    private let state = Mutex(State())

    public init() {}

    /// Whether work is in flight now.
    public var isRunning: Bool { self.state.withLock { $0.flight != nil } }

    /// The value of the work in flight, or of `work` started now when none is.
    public func join(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await self.wait(work, exclusive: false)
    }

    /// Waits until no work is in flight, then runs `work` (one at a time: a caller that finds
    /// another one's work started first waits for that too).
    public func exclusive(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        while true {
            do {
                return try await self.wait(work, exclusive: true)
            } catch is TryAgain {
                continue
            }
        }
    }

    private func wait(_ work: @escaping @Sendable () async throws -> Value, exclusive: Bool) async throws -> Value {
        let id = self.state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let cancelled = self.state.withLock { state -> Bool in
                    // Cancelled before registering: the handler found nothing to resume.
                    if Task.isCancelled { return true }
                    if let flight = state.flight {
                        state.waiters[id] = Waiter(flight: flight, continuation: continuation, retry: exclusive)
                    } else {
                        state.flight = id
                        state.waiters[id] = Waiter(flight: id, continuation: continuation, retry: false)
                        self.start(work, flight: id)
                    }
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Runs `work` as flight `id`; when it ends, the flight is cleared and its waiters resumed
    /// (those of `exclusive` behind it to try again).
    private func start(_ work: @escaping @Sendable () async throws -> Value, flight id: Int) {
        Task {
            let result: Result<Value, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            let waiters = self.state.withLock { state -> [Waiter] in
                state.flight = nil
                let ours = state.waiters.filter { $0.value.flight == id }
                for key in ours.keys { state.waiters[key] = nil }
                return Array(ours.values)
            }
            for waiter in waiters {
                if waiter.retry {
                    waiter.continuation.resume(throwing: TryAgain())
                } else {
                    waiter.continuation.resume(with: result)
                }
            }
        }
    }
}
