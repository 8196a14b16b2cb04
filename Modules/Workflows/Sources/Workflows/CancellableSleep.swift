import Dispatch
import Synchronization

/// A sleep whose timer is released when the sleeping task is cancelled.
///
/// `Task.sleep` on Linux leaves a cancelled sleep's timer (and its job) scheduled until the
/// deadline it was given: a deadline raced against work that usually ends first (an activity's
/// start-to-close lease, an action's timeout, a heartbeat interval) then holds memory for the
/// whole deadline after every run, which a worker running thousands of runs an hour sees as
/// growth (`Tools/bench/soak`). This one arms a dispatch timer and cancels it with the task.
public enum CancellableSleep {
    /// Sleeps for `duration`; throws `CancellationError` at once when the task is cancelled.
    public static func sleep(for duration: Duration) async throws {
        if Task.isCancelled { throw CancellationError() }
        guard duration > .zero else { return }
        let state = Mutex<State>(.waiting)
        let timer = Timer()
        timer.source.setEventHandler { state.withLock { $0.end(.fired) }?.resume() }
        timer.source.schedule(deadline: Self.deadline(after: duration), leeway: .milliseconds(1))
        // Activated before anything can cancel it (an inactive source must not be released).
        timer.source.activate()
        defer { timer.source.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now = state.withLock { state -> Result<Void, any Error>? in
                    switch state {
                    case .waiting:
                        state = .armed(continuation)
                        return nil
                    case .fired:
                        state = .done
                        return .success(())
                    case .cancelled:
                        state = .done
                        return .failure(CancellationError())
                    case .armed, .done:
                        return .failure(CancellationError())
                    }
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            timer.source.cancel()
            state.withLock { $0.end(.cancelled) }?.resume(throwing: CancellationError())
        }
    }

    /// `duration` from now; one past what a dispatch time holds is never.
    static func deadline(after duration: Duration) -> DispatchTime {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflowAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflow, !overflowAgain, total < Int64(Int.max) else { return .distantFuture }
        return .now() + .nanoseconds(Int(total))
    }

    /// A dispatch source is safe to use from any thread.
    private final class Timer: @unchecked Sendable {
        let source = DispatchSource.makeTimerSource(queue: .global())
    }

    private enum State {
        case waiting
        case armed(CheckedContinuation<Void, any Error>)
        case fired
        case cancelled
        case done

        /// The timer fired or the task was cancelled (`ending`, the first only): the waiting
        /// continuation to resume, or nil when none waits yet (it sees `ending` when it arms).
        mutating func end(_ ending: State) -> CheckedContinuation<Void, any Error>? {
            switch self {
            case .armed(let continuation):
                self = .done
                return continuation
            case .waiting:
                self = ending
                return nil
            case .fired, .cancelled, .done:
                return nil
            }
        }
    }
}
