import Definitions

/// The `filters` of an event trigger: dotted paths from the envelope's root, each of which
/// must equal its value. Pure.
public enum EventFilter {
    public static func matches(_ filters: [String: JSONValue], envelope: JSONValue) -> Bool {
        filters.allSatisfy { path, expected in
            guard let actual = envelope.value(atPath: path) else { return false }
            return Self.equal(actual, expected)
        }
    }

    /// JSON equality where 1 and 1.0 are the same number.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): Double(a) == b
        default: lhs == rhs
        }
    }
}
