import Synchronization

/// Work that runs once at a time, however many ask: `join` shares the work in flight (or
/// starts it), `exclusive` waits for the work in flight to end and then runs its own. The work
/// runs in its own task, so a caller that is cancelled does not cancel it for the others.
public final class SingleFlight<Value: Sendable>: Sendable {
    private struct Flight {
        var id: Int
        var task: Task<Value, any Error>
    }

    private struct State {
        var flight: Flight?
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether work is in flight now.
    public var isRunning: Bool { self.state.withLock { $0.flight != nil } }

    /// The value of the work in flight, or of `work` started now when none is.
    public func join(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = self.state.withLock { state in
            state.flight?.task ?? self.start(work, in: &state)
        }
        return try await task.value
    }

    /// Waits until no work is in flight, then runs `work` (one at a time: a caller that finds
    /// another one's work started first waits for that too).
    public func exclusive(_ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        while true {
            let (task, mine) = self.state.withLock { state -> (Task<Value, any Error>, Bool) in
                if let flight = state.flight { return (flight.task, false) }
                return (self.start(work, in: &state), true)
            }
            if mine { return try await task.value }
            _ = try? await task.value
        }
    }

    /// Starts `work` as the flight; it clears itself when done. Called with the lock held, so
    /// the task cannot clear itself before it is registered.
    private func start(_ work: @escaping @Sendable () async throws -> Value, in state: inout State)
        -> Task<Value, any Error>
    {
        state.nextID += 1
        let id = state.nextID
        let task = Task {
            defer {
                self.state.withLock { state in
                    if state.flight?.id == id { state.flight = nil }
                }
            }
            return try await work()
        }
        state.flight = Flight(id: id, task: task)
        return task
    }
}
