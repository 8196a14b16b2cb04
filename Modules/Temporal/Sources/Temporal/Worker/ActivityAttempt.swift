import Foundation
import Workflows

/// The concurrent parts of one activity attempt: the activity itself, its heartbeats (none for
/// a local activity) and its lease (the start-to-close timeout).
///
/// What stops the attempt (a heartbeat that learns of a cancel request, or that Temporal no
/// longer knows the attempt; the lease running out) cancels the activity, and heartbeats go on
/// while it winds down, so the server does not time it out meanwhile. A stop that comes after
/// the activity returned changes nothing. An activity that does not return within `grace` of
/// being cancelled is left behind: the attempt ends without it (its result, if it ever comes,
/// is dropped), so no attempt outlives its lease by more than `grace`. The worker's shutdown cut
/// (its grace ran out) ends the attempt at once, without that wait.
enum ActivityAttempt {
    /// What stops an attempt before its activity returns.
    enum Stop: Sendable, Equatable {
        case cancelRequested
        case gone(String)
        case deadline(Duration)
        case workerShutdown
    }

    enum Event: Sendable {
        case returned(Result<Data, ActivityError>)
        case stop(Stop)
        case gaveUp
    }

    /// One call of `activity`, any error as an `ActivityError` (retryable unless it says not).
    static func outcome(of activity: any TemporalActivity, input: Data, context: ActivityContext) async
        -> Result<Data, ActivityError>
    {
        do {
            return .success(try await activity.run(input: input, context: context))
        } catch let error as ActivityError {
            return .failure(error)
        } catch {
            return .failure(ActivityError("\(error)"))
        }
    }

    /// The activity's result (nil when it was left behind) and what stopped it (nil: nothing).
    static func run(
        activity: @escaping @Sendable () async -> Result<Data, ActivityError>,
        heartbeat: (@Sendable () async -> Stop?)?,
        interval: Duration,
        lease: Duration?,
        grace: Duration,
        cut: ShutdownCut? = nil
    ) async -> (result: Result<Data, ActivityError>?, stopped: Stop?) {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        // The activity alone is not a child task: one that ignores cancellation is left behind
        // after `grace`, which a task group would wait for. Heartbeats, the lease and the
        // give-up timer are children of the attempt and end with it.
        let work = Task { continuation.yield(.returned(await activity())) }
        let cutID = cut?.onCut { continuation.yield(.stop(.workerShutdown)) }
        var result: Result<Data, ActivityError>?
        var stopped: Stop?
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { timers in
                // The timers are `CancellableSleep`s: the attempt usually ends long before them.
                if let heartbeat {
                    timers.addTask {
                        while (try? await CancellableSleep.sleep(for: interval)) != nil {
                            if let stop = await heartbeat() { continuation.yield(.stop(stop)) }
                        }
                    }
                }
                if let lease {
                    timers.addTask {
                        guard (try? await CancellableSleep.sleep(for: lease)) != nil else { return }
                        continuation.yield(.stop(.deadline(lease)))
                    }
                }
                loop: for await event in events {
                    switch event {
                    case .returned(let returned):
                        result = returned
                        break loop
                    case .stop(let stop):
                        guard stopped == nil else { continue }
                        stopped = stop
                        work.cancel()
                        if stop == .workerShutdown { break loop }
                        timers.addTask {
                            guard (try? await CancellableSleep.sleep(for: grace)) != nil else { return }
                            continuation.yield(.gaveUp)
                        }
                    case .gaveUp:
                        break loop
                    }
                }
                timers.cancelAll()
            }
        } onCancel: {
            work.cancel()
            continuation.finish()
        }
        if let cutID { cut?.remove(cutID) }
        continuation.finish()
        return (result, stopped)
    }
}
