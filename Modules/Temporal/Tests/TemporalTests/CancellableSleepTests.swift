import Foundation
import Testing
import Workflows

/// The sleep the worker's timers use: it ends at its deadline, and at once when its task is
/// cancelled (its timer released then, not at the deadline).
@Suite("Cancellable sleep")
struct CancellableSleepTests {
    @Test("sleeps for the duration")
    func sleeps() async throws {
        let started = ContinuousClock.now
        try await CancellableSleep.sleep(for: .milliseconds(100))
        #expect(started.duration(to: .now) >= .milliseconds(95))
        try await CancellableSleep.sleep(for: .zero)
    }

    @Test("a cancelled hour-long sleep ends at once with CancellationError, many times over")
    func cancelled() async throws {
        for _ in 0..<200 {
            let task = Task { try await CancellableSleep.sleep(for: .seconds(3600)) }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
        }
        let started = ContinuousClock.now
        let sleeping = Task { try await CancellableSleep.sleep(for: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(50))
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
        #expect(started.duration(to: .now) < .seconds(30))
    }

    @Test("a task cancelled before it sleeps does not sleep")
    func cancelledBefore() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await CancellableSleep.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("a duration past what a dispatch time holds is a sleep without end, still cancellable")
    func huge() async {
        let task = Task { try await CancellableSleep.sleep(for: .seconds(Int64.max)) }
        try? await Task.sleep(for: .milliseconds(20))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
