import Foundation
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
        for outcome: Result<Data, ActivityError> in [.success(Data()), .failure(Self.failure)] {
            guard case .abandoned(let reason) = Handler.ending(outcome, stopped: .gone("workflow terminated")) else {
                Issue.record("expected abandoned for \(outcome)")
                return
            }
            #expect(reason == "workflow terminated")
        }
    }

    @Test("an attempt past its start-to-close timeout fails, retryable, naming the timeout")
    func deadline() {
        guard case .failed(let error) = Handler.ending(.failure(Self.failure), stopped: .deadline(.seconds(55)))
        else {
            Issue.record("expected failed")
            return
        }
        #expect(error.message == "the attempt ran past its start-to-close timeout of 55 s and was stopped")
        #expect(!error.nonRetryable)
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
