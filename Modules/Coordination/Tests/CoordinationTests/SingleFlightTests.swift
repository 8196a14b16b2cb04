import Synchronization
import Testing

@testable import Coordination

@Suite("SingleFlight")
struct SingleFlightTests {
    /// Counts runs and how many ran at once.
    final class Work: Sendable {
        let state = Mutex((runs: 0, running: 0, maxRunning: 0))

        func run(_ value: Int) async throws -> Int {
            self.state.withLock {
                $0.runs += 1
                $0.running += 1
                $0.maxRunning = max($0.maxRunning, $0.running)
            }
            try? await Task.sleep(for: .milliseconds(20))
            self.state.withLock { $0.running -= 1 }
            return value
        }
    }

    final class Gate: Sendable {
        let state = Mutex((arrived: 0, runs: 0, released: false))
    }

    @Test("join: callers arriving while the work runs share its one run and its value")
    func join() async throws {
        let flight = SingleFlight<Int>()
        let gate = Gate()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<20 {
                group.addTask {
                    gate.state.withLock { $0.arrived += 1 }
                    return try await flight.join {
                        gate.state.withLock { $0.runs += 1 }
                        // Held until every caller has arrived.
                        while !gate.state.withLock({ $0.released }) {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        return n
                    }
                }
            }
            while gate.state.withLock({ $0.arrived }) < 20 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(50))
            gate.state.withLock { $0.released = true }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(gate.state.withLock { $0.runs } == 1)
        #expect(Set(values).count == 1)
        #expect(!flight.isRunning)
    }

    @Test("exclusive: every caller's work runs, one at a time")
    func exclusive() async throws {
        let flight = SingleFlight<Int>()
        let work = Work()
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<10 { group.addTask { try await flight.exclusive { try await work.run(n) } } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values.sorted() == Array(0..<10))
        #expect(work.state.withLock { $0.runs } == 10)
        #expect(work.state.withLock { $0.maxRunning } == 1)
    }

    @Test("a caller cancelled while waiting stops waiting at once; the shared work goes on")
    func cancelledCaller() async throws {
        let flight = SingleFlight<Int>()
        let finished = Mutex(false)
        // The work ends when the test says so (not after a sleep a loaded machine outlasts).
        let release = Mutex(false)
        let first = Task {
            try await flight.join {
                while !release.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(2)) }
                finished.withLock { $0 = true }
                return 1
            }
        }
        while !flight.isRunning { try await Task.sleep(for: .milliseconds(1)) }
        first.cancel()
        // The cancelled caller stops waiting at once; the work goes on for the next caller.
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(!finished.withLock { $0 })
        release.withLock { $0 = true }
        let shared = try await flight.join { 2 }
        #expect(shared == 1)
        #expect(finished.withLock { $0 })
    }

    @Test("an error reaches every caller of that run; the next call runs again")
    func errors() async throws {
        struct Failed: Error {}
        let flight = SingleFlight<Int>()
        await #expect(throws: Failed.self) { try await flight.join { throw Failed() } }
        #expect(try await flight.join { 3 } == 3)
    }
}
