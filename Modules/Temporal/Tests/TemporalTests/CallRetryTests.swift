import Testing

@testable import Temporal

/// How Temporal calls back off: exponential with jitter, RESOURCE_EXHAUSTED longer than
/// UNAVAILABLE, task answers for up to a minute.
@Suite("Call retries")
struct CallRetryTests {
    @Test("UNAVAILABLE backs off exponentially up to the maximum; jitter stays within 20 %")
    func backoff() {
        let retry = CallRetry.taskCompletion
        #expect(retry.delay(after: 1, code: .unavailable, random: 0.5) == .milliseconds(100))
        #expect(retry.delay(after: 2, code: .unavailable, random: 0.5) == .milliseconds(170))
        #expect(retry.delay(after: 20, code: .unavailable, random: 0.5) == .seconds(5))
        #expect(retry.delay(after: 1, code: .unavailable, random: 0) == .milliseconds(80))
        #expect(retry.delay(after: 1, code: .unavailable, random: 0.999_999) <= .milliseconds(120))
    }

    @Test("RESOURCE_EXHAUSTED waits longer than UNAVAILABLE at every attempt, up to 10 s")
    func exhausted() {
        let retry = CallRetry.taskCompletion
        for attempt in 1...12 {
            #expect(
                retry.delay(after: attempt, code: .resourceExhausted, random: 0.5)
                    > retry.delay(after: attempt, code: .unavailable, random: 0.5))
        }
        #expect(retry.delay(after: 1, code: .resourceExhausted, random: 0.5) == .seconds(1))
        #expect(retry.delay(after: 30, code: .resourceExhausted, random: 0.5) == .seconds(10))
    }

    @Test("a task answer is retried for 60 s whatever the attempts; other calls a few times")
    func limits() {
        #expect(CallRetry.taskCompletion.allows(attempt: 40, elapsed: .seconds(59)))
        #expect(!CallRetry.taskCompletion.allows(attempt: 2, elapsed: .seconds(60)))
        #expect(CallRetry.attempts(6).allows(attempt: 5, elapsed: .zero))
        #expect(!CallRetry.attempts(6).allows(attempt: 6, elapsed: .zero))
        #expect(!CallRetry.attempts(1).allows(attempt: 1, elapsed: .zero))
    }

    @Test("a failure's gRPC status is written as Temporal's SDKs write it; polls are long requests")
    func failureLabels() {
        #expect(RequestFailureMetrics.isLongPoll("PollActivityTaskQueue"))
        #expect(!RequestFailureMetrics.isLongPoll("RespondActivityTaskCompleted"))
        #expect(RequestFailureMetrics.statusCode(CancellationError()) == "CANCELLED")
    }
}
