import Synchronization
import Testing

@testable import Coordination

@Suite("Limited concurrency")
struct LimitedConcurrencyTests {
    /// Counts the bodies running at once and the most seen.
    final class Gauge: Sendable {
        private let state = Mutex((running: 0, most: 0, started: [Int]()))
        func enter(_ item: Int) {
            self.state.withLock {
                $0.running += 1
                $0.most = max($0.most, $0.running)
                $0.started.append(item)
            }
        }
        func leave() { self.state.withLock { $0.running -= 1 } }
        var most: Int { self.state.withLock { $0.most } }
        var started: [Int] { self.state.withLock { $0.started } }
    }

    @Test("outputs keep the items' order; never more than the limit at once", arguments: [1, 3, 16])
    func orderAndLimit(limit: Int) async {
        let gauge = Gauge()
        let items = Array(0..<40)
        let outputs = await LimitedConcurrency.map(items, limit: limit) { item in
            gauge.enter(item)
            // Later items finish first, so completion order differs from item order.
            try? await Task.sleep(for: .milliseconds(40 - item))
            gauge.leave()
            return item * 2
        }
        #expect(outputs == items.map { $0 * 2 })
        #expect(gauge.most == min(limit, items.count))
        #expect(gauge.most > 0)
    }

    @Test("no items, no work")
    func empty() async {
        let outputs = await LimitedConcurrency.map([Int](), limit: 4) { $0 }
        #expect(outputs.isEmpty)
    }

    @Test("giving up: the items not started get the stand-in, the ones in flight finish")
    func givingUp() async {
        let gauge = Gauge()
        let skip: @Sendable (Int) -> String = { "skipped \($0)" }
        let work: @Sendable (Int) async -> String = { item in
            gauge.enter(item)
            defer { gauge.leave() }
            if item == 1 { return "failed 1" }
            try? await Task.sleep(for: .milliseconds(20))
            return "done \(item)"
        }
        let outputs = await LimitedConcurrency.map(
            Array(0..<20), limit: 2, giveUp: { $0 == "failed 1" ? skip : nil }, work)
        #expect(outputs.count == 20)
        #expect(outputs[0] == "done 0")
        #expect(outputs[1] == "failed 1")
        let started = Set(gauge.started)
        #expect(started.count <= 3)
        for (index, output) in outputs.enumerated() where !started.contains(index) {
            #expect(output == "skipped \(index)")
        }
        #expect(outputs.filter { $0.hasPrefix("skipped") }.count == 20 - started.count)
    }
}
