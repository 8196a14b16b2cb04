/// NATS subject wildcards: `*` is one token, a final `>` is one or more. Tokens that hold a
/// wildcard character beside others are literals, as in nats-server.
public enum SubjectPattern {
    static func tokens(_ text: String) -> [Substring] {
        text.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// True when the concrete `subject` is matched by `pattern`.
    public static func matches(_ pattern: String, _ subject: String) -> Bool {
        Self.matches(Self.tokens(pattern), Self.tokens(subject))
    }

    static func matches(_ pattern: [Substring], _ subject: [Substring]) -> Bool {
        for (index, token) in pattern.enumerated() {
            if token == ">" { return subject.count > index }
            guard index < subject.count else { return false }
            if token != "*" && token != subject[index] { return false }
        }
        return pattern.count == subject.count
    }

    /// True when every subject `subject` can match is also matched by `pattern`.
    public static func covers(_ pattern: String, _ subject: String) -> Bool {
        let pattern = Self.tokens(pattern)
        let subject = Self.tokens(subject)
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

    /// True when some subject matches both patterns (JetStream refuses such a pair in one
    /// stream).
    public static func collide(_ first: String, _ second: String) -> Bool {
        let a = Self.tokens(first)
        let b = Self.tokens(second)
        var index = 0
        while index < a.count && index < b.count {
            if a[index] == ">" || b[index] == ">" { return true }
            if a[index] != "*" && b[index] != "*" && a[index] != b[index] { return false }
            index += 1
        }
        return a.count == b.count
    }

    /// Orders patterns from the most specific: at the first token where they differ, a
    /// literal beats `*`, and `*` beats `>`; a longer pattern beats its prefix.
    public static func moreSpecific(_ first: String, than second: String) -> Bool {
        func rank(_ token: Substring) -> Int { token == ">" ? 0 : token == "*" ? 1 : 2 }
        let a = Self.tokens(first)
        let b = Self.tokens(second)
        for index in 0..<min(a.count, b.count) where a[index] != b[index] {
            let (left, right) = (rank(a[index]), rank(b[index]))
            if left != right { return left > right }
            return a[index] < b[index]
        }
        if a.count != b.count { return a.count > b.count }
        return false
    }

    /// The stream's subjects: the configured ones, then each extra one that no subject already
    /// taken covers or collides with (JetStream refuses overlapping subjects in one stream).
    /// A subject that covers ones taken before it replaces them. `left` lists the extra subjects
    /// left out because they collide without being covered (their events are not kept).
    public static func streamSubjects(configured: [String], extra: [String]) -> (subjects: [String], left: [String]) {
        var subjects: [String] = []
        var left: [String] = []
        // The widest first, so a narrower subject is seen to be covered.
        let ordered =
            Self.unique(configured)
            + Self.unique(extra).filter { !configured.contains($0) }.sorted { Self.moreSpecific($1, than: $0) }
        for subject in ordered {
            if subjects.contains(where: { Self.covers($0, subject) }) { continue }
            let replaced = subjects.filter { Self.covers(subject, $0) }
            // A configured subject is the operator's: kept (JetStream names any conflict).
            if !configured.contains(subject)
                && subjects.contains(where: { !replaced.contains($0) && Self.collide($0, subject) })
            {
                left.append(subject)
                continue
            }
            subjects.removeAll { replaced.contains($0) }
            subjects.append(subject)
        }
        return (subjects, left)
    }

    private static func unique(_ list: [String]) -> [String] {
        var seen: Set<String> = []
        return list.filter { seen.insert($0).inserted }
    }
}
