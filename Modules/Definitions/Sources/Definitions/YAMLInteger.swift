import Yams

/// Integers of YAML 1.1 as Yams resolves them (decimal, `0x`, `0b`, `0o` and `0` octal, and
/// base 60 `1:30:00`), read with overflow checks. Yams' own `Node.int` computes base 60 with
/// trapping arithmetic, so `1:0:0:0:0:0:0:0:0:0:0` (60^10) would stop the process: a value
/// that does not fit an `Int` is nil here, never a crash.
enum YAMLInteger {
    /// The value of an int-tagged node, or nil when it is not one or does not fit.
    static func value(of node: Node) -> Int? {
        guard let scalar = node.scalar, node.tag.rawValue == Tag.Name.int.rawValue else { return nil }
        guard scalar.style == .any || scalar.style == .plain else { return nil }
        return Self.parse(scalar.string)
    }

    static func parse(_ text: String) -> Int? {
        let digits = text.replacingOccurrences(of: "_", with: "")
        if digits == "0" { return 0 }
        let negative = digits.hasPrefix("-")
        let unsigned = digits.dropFirst(negative || digits.hasPrefix("+") ? 1 : 0)
        let sign = negative ? "-" : ""
        for (prefix, radix) in [("0x", 16), ("0b", 2), ("0o", 8), ("0", 8)] where unsigned.hasPrefix(prefix) {
            return Int(sign + unsigned.dropFirst(prefix.count), radix: radix)
        }
        if unsigned.contains(":") {
            return Self.sexagesimal(unsigned, negative: negative)
        }
        return Int(digits)
    }

    /// `h:m:s`-style base 60, each step checked.
    private static func sexagesimal(_ text: Substring, negative: Bool) -> Int? {
        var value = 0
        for part in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard let digit = Int(part) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 60)
            guard !overflow else { return nil }
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !carry else { return nil }
            value = sum
        }
        return negative ? -value : value
    }
}
