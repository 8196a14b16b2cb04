import Foundation

/// Formatting of measured durations.
enum BenchTime {
    static func seconds(_ duration: Duration) -> String {
        String(format: "%.3f", Self.value(duration))
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.1f", Self.value(duration) * 1000)
    }

    static func value(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The `fraction` quantile of sorted durations (nearest rank).
    static func quantile(_ sorted: [Duration], _ fraction: Double) -> Duration {
        guard !sorted.isEmpty else { return .zero }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// Writes a line to standard output at once (print buffers when stdout is not a terminal).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
