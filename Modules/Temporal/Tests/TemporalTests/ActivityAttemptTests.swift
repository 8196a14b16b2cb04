import Foundation
import Synchronization
import Testing
import Workflows

@testable import Temporal

/// What an activity attempt answers, given its result and what stopped it, and how often it
/// heartbeats (the rest is in the integration tests, against the dev server).
@Suite("Activity attempts: answers and heartbeats")
struct ActivityAttemptTests {
    typealias Handler = ActivityTaskHandler

    static let failure = ActivityError("POST http://x failed: cancelled")

    @Test("an attempt nothing stopped answers with its own result")
    func unstopped() {
        guard case .completed(let data) = Handler.ending(.success(Data("1".utf8)), stopped: nil) else {
            Issue.record("expected completed")
            return
        }
        #expect(data == Data("1".utf8))
        guard case .failed(let error) = Handler.ending(.failure(Self.failure), stopped: nil) else {
            Issue.record("expected failed")
            return
        }
        #expect(error == Self.failure)
    }

    @Test("a cancel request: an activity that stopped is answered cancelled; one that finished first, completed")
    func cancelRequested() {
        guard case .cancelled = Handler.ending(.failure(Self.failure), stopped: .cancelRequested) else {
            Issue.record("expected cancelled")
            return
        }
        guard case .completed = Handler.ending(.success(Data()), stopped: .cancelRequested) else {
            Issue.record("work done before the request counts")
            return
        }
    }

    @Test("an attempt Temporal no longer knows is answered nothing, whatever the activity returned")
    func gone() {
        for outcome: Result<Data, ActivityError>? in [.success(Data()), .failure(Self.failure), nil] {
            guard case .abandoned(let reason) = Handler.ending(outcome, stopped: .gone("workflow terminated")) else {
                Issue.record("expected abandoned for \(String(describing: outcome))")
                return
            }
            #expect(reason == "workflow terminated")
        }
    }

    @Test("an attempt past its start-to-close timeout, or left behind, is answered nothing (Temporal timed it out)")
    func deadline() {
        guard case .abandoned(let reason) = Handler.ending(.failure(Self.failure), stopped: .deadline(.seconds(55)))
        else {
            Issue.record("expected abandoned")
            return
        }
        #expect(reason == "the attempt ran past its start-to-close timeout of 55 s")
        guard case .cancelled = Handler.ending(nil, stopped: .cancelRequested) else {
            Issue.record("a cancelled activity left behind is still answered cancelled")
            return
        }
    }

    /// Counts calls, and answers a scripted stop from the `stopAt`-th call on.
    final class Beats: Sendable {
        let count = Mutex(0)
        let stopAt: Int
        let stop: ActivityAttempt.Stop
        init(stopAt: Int = .max, stop: ActivityAttempt.Stop = .cancelRequested) {
            self.stopAt = stopAt
            self.stop = stop
        }
        func beat() -> ActivityAttempt.Stop? {
            let count = self.count.withLock { count in
                count += 1
                return count
            }
            return count >= self.stopAt ? self.stop : nil
        }
    }

    @Test("a stop after the activity returned changes nothing")
    func resultFirst() async {
        let beats = Beats(stopAt: 1)
        let (result, stopped) = await ActivityAttempt.run(
            activity: { .failure(Self.failure) }, heartbeat: { beats.beat() }, interval: .milliseconds(50),
            lease: nil, grace: .seconds(5))
        #expect(stopped == nil)
        #expect(result == .failure(Self.failure))
    }

    @Test("a cancel request cancels the activity; heartbeats go on while it winds down")
    func cancelWindsDown() async {
        let beats = Beats(stopAt: 2)
        let (result, stopped) = await ActivityAttempt.run(
            activity: {
                // Waits to be cancelled (the second beat), then winds down until three more
                // beats have gone out: they only do while the attempt keeps heartbeating.
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                while beats.count.withLock({ $0 }) < 5 {
                    await Task.detached { try? await Task.sleep(for: .milliseconds(10)) }.value
                }
                return .failure(ActivityError("cancelled"))
            },
            heartbeat: { beats.beat() }, interval: .milliseconds(20), lease: nil, grace: .seconds(600))
        #expect(stopped == .cancelRequested)
        #expect(result == .failure(ActivityError("cancelled")))
    }

    @Test("the lease cancels the activity; one that ignores cancellation is left behind after the grace")
    func leaseAndGrace() async {
        let start = ContinuousClock.now
        let (result, stopped) = await ActivityAttempt.run(
            activity: {
                // Ignores cancellation.
                await Task.detached { try? await Task.sleep(for: .seconds(3_600)) }.value
                return .success(Data())
            },
            heartbeat: { nil }, interval: .milliseconds(50), lease: .milliseconds(200), grace: .milliseconds(300))
        let elapsed = ContinuousClock.now - start
        #expect(stopped == .deadline(.milliseconds(200)))
        #expect(result == nil)
        // Not the activity's hour: the lease and the grace (a loaded machine may add to them).
        #expect(elapsed >= .milliseconds(500) && elapsed < .seconds(600), "\(elapsed)")
    }

    @Test(
        "heartbeats every configured interval, or 0.8 of a shorter heartbeat timeout",
        arguments: [
            (Duration.seconds(10), Duration?.none, Duration.seconds(10)),
            (.seconds(10), .seconds(30), .seconds(10)),
            (.seconds(10), .seconds(5), .seconds(4)),
            (.seconds(10), .zero, .seconds(10)),
        ])
    func heartbeatInterval(configured: Duration, timeout: Duration?, expected: Duration) {
        #expect(Handler.heartbeatInterval(configured: configured, heartbeatTimeout: timeout) == expected)
    }
}
