import Foundation

/// Definition files that used to delete schedules, hang a sync or kill a worker (issue 11),
/// each with the id it names.
enum HostileFiles {
    static func cron(_ id: String, _ expression: String = "0 * * * *") -> String {
        "type: activity-definition\nid: \(id)\ntrigger:\n  type: cron\n  cron_expression: \"\(expression)\"\naction: {type: echo}\n"
    }

    /// A markdown definition with the given line break (LF, CRLF or CR) throughout.
    static func markdown(_ id: String, newline: String) -> String {
        ("---\n" + Self.cron(id) + "---\n# \(id)\n\nDocumentation.\n").replacingOccurrences(of: "\n", with: newline)
    }

    /// "Billion laughs": under 1 KB, 10^9 nodes expanded.
    static func aliasBomb(_ id: String) -> String {
        var lines = ["id: \(id)", "input:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            lines.append(
                "  a\(level): &a\(level) [\(Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", "))]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// 2 MiB: over the default ACTIVITY_MAX_FILE_BYTES.
    static func oversized(_ id: String) -> String {
        Self.cron(id) + "input: \"" + String(repeating: "x", count: 2 * 1_048_576) + "\"\n"
    }

    /// 10,000 nested lists.
    static func deep(_ id: String) -> String {
        "id: \(id)\ninput: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
    }

    /// A string PostgreSQL's jsonb cannot hold.
    static func nul(_ id: String) -> String {
        Self.cron(id) + "input: {note: \"a\\0b\"}\n"
    }

    /// A retry interval no protobuf Duration can hold (killed the worker at its first run).
    static func hugeInterval(_ id: String) -> String {
        "id: \(id)\naction:\n  type: echo\n  retry:\n    max_interval_seconds: 9223372036854775808\n"
    }

    /// An integer in base 60 whose reading trapped in Yams (its base overflows Int64).
    static func sexagesimal(_ id: String) -> String {
        "id: \(id)\naction: {type: echo, timeout_seconds: 1:0:0:0:0:0:0:0:0:0:0}\n"
    }

    /// 100 KB copied 10,000 times by aliases: few nodes, a gigabyte of text.
    static func stringBomb(_ id: String) -> String {
        var lines = ["id: \(id)", "input:", "  s0: &s0 \"\(String(repeating: "x", count: 100_000))\""]
        for level in 1...4 {
            lines.append(
                "  s\(level): &s\(level) [\(Array(repeating: "*s\(level - 1)", count: 10).joined(separator: ", "))]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every file above that must fail only itself, by file name.
    static let failing: [String: String] = [
        "bomb.yaml": Self.aliasBomb("bomb"), "big.yaml": Self.oversized("big"), "deep.yaml": Self.deep("deep"),
        "nul.yaml": Self.nul("nul"), "huge.yaml": Self.hugeInterval("huge"), "sexa.yaml": Self.sexagesimal("sexa"),
        "strings.yaml": Self.stringBomb("strings"),
    ]
}
