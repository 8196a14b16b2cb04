/// What NATS accepts as stream and consumer names and as subjects, checked before anything
/// is sent (a bad name is a startup error naming its variable, not a refusal at run time).
public enum NATSNames {
    /// JetStream's longest stream or consumer name.
    public static let maxNameLength = 255

    /// Why `name` cannot be a stream or durable consumer name, or nil when it can: not empty,
    /// at most 255 bytes, no whitespace or control characters, none of `.`, `*`, `>`, `/`, `\`.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > Self.maxNameLength { return "it is longer than \(Self.maxNameLength) bytes" }
        for scalar in name.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                return "it holds whitespace or a control character"
            }
            if [".", "*", ">", "/", "\\"].contains(scalar) {
                return "it holds \"\(scalar)\" (not allowed: . * > / \\)"
            }
        }
        return nil
    }

    /// Why `subject` cannot be a subscription subject, or nil when it can: dot-separated
    /// non-empty tokens without whitespace or control characters; `>` only as the last token
    /// (`*` and `>` are wildcards only as whole tokens, as in nats-server).
    public static func subjectProblem(_ subject: String) -> String? {
        if subject.isEmpty { return "it is empty" }
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in tokens.enumerated() {
            if token.isEmpty { return "it has an empty token (a leading, trailing or double dot)" }
            for scalar in token.unicodeScalars
            where scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                return "it holds whitespace or a control character"
            }
            // Like nats-server: `a*b` is a literal token, not a wildcard.
            if token == ">" && index != tokens.count - 1 { return "\">\" may only be the last token" }
        }
        return nil
    }
}
