import Hummingbird

/// Strict query parsing: unknown parameters and malformed values are refused with a
/// message naming them.
struct QueryParameters {
    static let maxLength = 1000
    let values: [String: String]

    init(_ request: Request, allowed: Set<String>) throws {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw AdminError(
                    .badRequest, "unknown parameter \"\(name)\" (accepted: \(allowed.sorted().joined(separator: ", ")))"
                )
            }
            guard values[name] == nil else { throw AdminError(.badRequest, "parameter \"\(name)\" given twice") }
            // PostgreSQL cannot take U+0000, and no parameter of this API is that long.
            guard value.count <= Self.maxLength, !value.utf8.contains(0) else {
                throw AdminError(
                    .badRequest,
                    "parameter \"\(name)\" must be at most \(Self.maxLength) characters without U+0000")
            }
            values[name] = String(value)
        }
        self.values = values
    }

    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let value = self.values[name] else { return fallback }
        switch value {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw AdminError(.badRequest, "parameter \"\(name)\" must be true, false, 1 or 0, not \"\(value)\"")
        }
    }

    func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let value = self.values[name] else { return fallback }
        guard let number = Int(value), range.contains(number) else {
            throw AdminError(
                .badRequest,
                "parameter \"\(name)\" must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func string(_ name: String) -> String? { self.values[name] }
}
