/// The identity rule for definitions and event types: a slug or a UUID,
/// `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`.
public enum Identifier {
    public static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...128).contains(bytes.count), Self.isAlphanumeric(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy {
            Self.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// A NATS subject: dot-separated tokens without spaces; `*` and a final `>` only when
    /// `wildcards` is true.
    public static func isValidSubject(_ subject: String, wildcards: Bool) -> Bool {
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        guard !subject.isEmpty else { return false }
        for (index, token) in tokens.enumerated() {
            guard !token.isEmpty, !token.contains(where: { $0.isWhitespace }) else { return false }
            if token == "*" || token == ">" {
                guard wildcards, token == "*" || index == tokens.count - 1 else { return false }
            } else if token.contains("*") || token.contains(">") {
                return false
            }
        }
        return true
    }
}
