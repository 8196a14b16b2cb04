/// NATS subject wildcards: `*` is one token, a final `>` is one or more.
enum SubjectPattern {
    /// True when every subject `subject` can match is also matched by `pattern`.
    static func covers(_ pattern: String, _ subject: String) -> Bool {
        let pattern = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let subject = subject.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in pattern.enumerated() {
            if token == ">" { return subject.count > index }
            guard index < subject.count else { return false }
            let other = subject[index]
            if token == "*" {
                if other == ">" { return false }
                continue
            }
            if token != other { return false }
        }
        return pattern.count == subject.count
    }

    /// The configured subjects plus every extra subject no configured one covers
    /// (JetStream refuses overlapping subjects in one stream).
    static func streamSubjects(configured: [String], extra: [String]) -> [String] {
        var subjects = configured
        for subject in extra where !subjects.contains(where: { Self.covers($0, subject) }) {
            subjects.append(subject)
        }
        return subjects
    }
}
