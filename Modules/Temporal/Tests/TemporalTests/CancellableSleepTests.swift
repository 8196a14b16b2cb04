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

    /// Runs `sleep` as a child task, cancels it after `after`, and returns how it ended.
    func cancelled(after: Duration = .zero, _ sleep: @escaping @Sendable () async throws -> Void) async
        -> Result<Void, any Error>
    {
        await withTaskGroup(of: Result<Void, any Error>.self) { group in
            group.addTask {
                do { return .success(try await sleep()) } catch { return .failure(error) }
            }
            if after > .zero { try? await Task.sleep(for: after) }
            group.cancelAll()
            return await group.next() ?? .success(())
        }
    }

    @Test("a cancelled hour-long sleep ends at once with CancellationError, many times over")
    func cancelled() async throws {
        for _ in 0..<200 {
            let result = await self.cancelled { try await CancellableSleep.sleep(for: .seconds(3600)) }
            #expect(throws: CancellationError.self) { try result.get() }
        }
        let started = ContinuousClock.now
        let result = await self.cancelled(after: .milliseconds(50)) {
            try await CancellableSleep.sleep(for: .seconds(3600))
        }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(started.duration(to: .now) < .seconds(30))
    }

    @Test("a task cancelled before it sleeps does not sleep")
    func cancelledBefore() async {
        let result = await self.cancelled {
            withUnsafeCurrentTask { $0?.cancel() }
            try await CancellableSleep.sleep(for: .seconds(3600))
        }
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test("a duration past what a dispatch time holds is a sleep without end, still cancellable")
    func huge() async {
        let result = await self.cancelled(after: .milliseconds(20)) {
            try await CancellableSleep.sleep(for: .seconds(Int64.max))
        }
        #expect(throws: CancellationError.self) { try result.get() }
    }
}
