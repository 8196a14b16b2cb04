import Foundation

/// A validated cron expression: five fields (minute hour day-of-month month day-of-week) or
/// one of the `@` shorthands.
///
/// Validation is strict so that a typo is reported with the file's line instead of being
/// rejected later by Temporal (or, worse, accepted with another meaning).
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written, trimmed.
    public let text: String

    /// The shorthands the contract accepts.
    public static let shorthands: [String: String] = [
        "@hourly": "0 * * * *",
        "@daily": "0 0 * * *",
        "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *",
        "@yearly": "0 0 1 1 *",
    ]

    public init(_ text: String) throws(CronExpressionError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("@") {
            guard Self.shorthands[trimmed] != nil else {
                throw CronExpressionError(
                    "unknown shorthand \(trimmed) (accepted: @hourly, @daily, @weekly, @monthly, @yearly)"
                )
            }
            self.text = trimmed
            return
        }
        let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 else {
            throw CronExpressionError(
                "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)"
            )
        }
        for (field, kind) in zip(fields, CronField.allCases) {
            try kind.validate(String(field))
        }
        self.text = fields.joined(separator: " ")
    }

    public var description: String { self.text }
}

/// Why a cron expression was refused.
public struct CronExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }
}

/// One of the five positions of a cron expression and what it accepts.
enum CronField: CaseIterable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    var names: [String: Int] {
        switch self {
        case .month:
            [
                "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
            ]
        case .dayOfWeek:
            ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
        default:
            [:]
        }
    }

    func validate(_ field: String) throws(CronExpressionError) {
        for item in field.split(separator: ",", omittingEmptySubsequences: false) {
            try self.validateItem(String(item))
        }
    }

    private func validateItem(_ item: String) throws(CronExpressionError) {
        guard !item.isEmpty else {
            throw CronExpressionError("\(self.name) field has an empty list item")
        }
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw CronExpressionError("\(self.name) item \"\(item)\" has more than one step")
        }
        if parts.count == 2 {
            guard let step = Int(parts[1]), step >= 1, step <= self.range.upperBound else {
                throw CronExpressionError(
                    "\(self.name) step \"\(parts[1])\" must be a number from 1 to \(self.range.upperBound)"
                )
            }
        }
        let base = String(parts[0])
        if base == "*" { return }
        let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2 else {
            throw CronExpressionError("\(self.name) range \"\(base)\" is not of the form a-b")
        }
        let low = try self.value(String(bounds[0]))
        if bounds.count == 2 {
            let high = try self.value(String(bounds[1]))
            guard low <= high else {
                throw CronExpressionError("\(self.name) range \"\(base)\" runs backwards")
            }
        }
    }

    private func value(_ text: String) throws(CronExpressionError) -> Int {
        if let number = Int(text), text.allSatisfy(\.isASCII) {
            guard self.range.contains(number) else {
                throw CronExpressionError(
                    "\(self.name) value \(number) is out of range \(self.range.lowerBound)-\(self.range.upperBound)"
                )
            }
            return number
        }
        if let number = self.names[text.uppercased()] {
            return number
        }
        let accepted = self.names.isEmpty ? "" : " or a name (\(self.names.keys.sorted().joined(separator: ", ")))"
        throw CronExpressionError(
            "\(self.name) value \"\(text)\" is not a number from \(self.range.lowerBound) to \(self.range.upperBound)\(accepted)"
        )
    }
}
