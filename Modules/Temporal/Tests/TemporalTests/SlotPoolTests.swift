import Foundation
import Synchronization
import Testing

@testable import Temporal

/// The worker's slot pools: a poller waits for a free slot, gets it first come first served,
/// and a closed pool or a cancelled waiter takes none.
@Suite("Slot pools")
struct SlotPoolTests {
    final class Observed: Sendable {
        let values = Mutex<[(taken: Int, used: Int)]>([])
        var last: (taken: Int, used: Int)? { self.values.withLock { $0.last } }
    }

    final class Order: Sendable {
        let values = Mutex<[Int]>([])
    }

    @Test("slots up to the capacity are taken at once; the next waits until one is released")
    func waitsForARelease() async throws {
        let observed = Observed()
        let pool = SlotPool(capacity: 2) { taken, used in observed.values.withLock { $0.append((taken, used)) } }
        #expect(await pool.acquire())
        #expect(await pool.acquire())
        pool.use()
        #expect(observed.last?.taken == 2)
        #expect(observed.last?.used == 1)
        let third = Task { await pool.acquire() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(pool.taken == 2)
        pool.release(used: true)
        #expect(await third.value)
        // The released slot passed to the waiter: still two taken, none used.
        #expect(pool.taken == 2)
        #expect(observed.last?.taken == 2)
        #expect(observed.last?.used == 0)
    }

    @Test("waiters are served in the order they came")
    func firstComeFirstServed() async throws {
        let pool = SlotPool(capacity: 1)
        #expect(await pool.acquire())
        let order = Order()
        var waiters: [Task<Void, Never>] = []
        for index in 0..<3 {
            waiters.append(
                Task {
                    if await pool.acquire() { order.values.withLock { $0.append(index) } }
                })
            try await Task.sleep(for: .milliseconds(50))
        }
        for _ in 0..<3 {
            pool.release()
            try await Task.sleep(for: .milliseconds(50))
        }
        for waiter in waiters { await waiter.value }
        #expect(order.values.withLock { $0 } == [0, 1, 2])
    }

    @Test("closing wakes the waiters with no slot and refuses later ones; a cancelled waiter takes none")
    func closeAndCancel() async throws {
        let pool = SlotPool(capacity: 1)
        #expect(await pool.acquire())
        let cancelled = Task { await pool.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        #expect(await cancelled.value == false)
        let waiting = Task { await pool.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        pool.close()
        #expect(await waiting.value == false)
        #expect(await pool.acquire() == false)
        #expect(pool.taken == 1)
        pool.release()
        #expect(pool.taken == 0)
    }

    @Test("pollers: one per ten slots, at least two, never more than the slots")
    func pollers() {
        #expect(TemporalWorkerConfiguration.pollers(slots: 100) == 10)
        #expect(TemporalWorkerConfiguration.pollers(slots: 50) == 5)
        #expect(TemporalWorkerConfiguration.pollers(slots: 5) == 2)
        #expect(TemporalWorkerConfiguration.pollers(slots: 1) == 1)
    }

    final class Told: Sendable {
        let count = Mutex(0)
    }

    @Test("the shutdown cut tells every attempt once, and a later one at once")
    func shutdownCut() {
        let cut = ShutdownCut()
        let told = Told()
        let first = cut.onCut { told.count.withLock { $0 += 1 } }
        let removed = cut.onCut { told.count.withLock { $0 += 100 } }
        cut.remove(removed)
        _ = first
        cut.fire()
        cut.fire()
        #expect(told.count.withLock { $0 } == 1)
        _ = cut.onCut { told.count.withLock { $0 += 10 } }
        #expect(told.count.withLock { $0 } == 11)
    }
}
