import CoreMetrics
import Synchronization

/// A metrics factory that keeps only the timers' totals and counts and the counters' sums, by
/// label: enough for a benchmark to read what the worker measured of itself.
final class TimerTotals: MetricsFactory, Sendable {
    private let totals = Mutex<[String: (count: Int, nanoseconds: Int64)]>([:])

    /// The recorded count and total of the timer `label`.
    func total(_ label: String) -> (count: Int, seconds: Double) {
        let value: (count: Int, nanoseconds: Int64) = self.totals.withLock { $0[label] ?? (0, 0) }
        return (value.count, Double(value.nanoseconds) / 1e9)
    }

    private let counts = Mutex<[String: Int64]>([:])

    /// The sum of the counter `label` over its dimensions.
    func counter(_ label: String) -> Int64 {
        self.counts.withLock { $0[label] ?? 0 }
    }

    func reset() {
        self.totals.withLock { $0 = [:] }
    }

    private final class Counting: CounterHandler, Sendable {
        let label: String
        let owner: TimerTotals

        init(label: String, owner: TimerTotals) {
            self.label = label
            self.owner = owner
        }

        func increment(by amount: Int64) {
            self.owner.counts.withLock { $0[self.label, default: 0] += amount }
        }

        func reset() {}
    }

    private final class Handler: TimerHandler, Sendable {
        let label: String
        let owner: TimerTotals

        init(label: String, owner: TimerTotals) {
            self.label = label
            self.owner = owner
        }

        func recordNanoseconds(_ duration: Int64) {
            self.owner.totals.withLock { totals in
                let value: (count: Int, nanoseconds: Int64) = totals[self.label] ?? (0, 0)
                totals[self.label] = (value.count + 1, value.nanoseconds + duration)
            }
        }
    }

    private final class Ignored: CounterHandler, FloatingPointCounterHandler, RecorderHandler, MeterHandler,
        Sendable
    {
        func increment(by: Int64) {}
        func increment(by: Double) {}
        func reset() {}
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func set(_ value: Int64) {}
        func set(_ value: Double) {}
        func increment(by: Double, _: Void = ()) {}
        func decrement(by: Double) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Counting(label: label, owner: self)
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Ignored()
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(label: label, owner: self)
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
