/// Finds the contract key a misspelt top-level key most likely meant (`triger` ->
/// `trigger`, `enabeld` -> `enabled`), so that a typo that silently changes a definition's
/// meaning is at least a warning.
enum KeySuggestion {
    /// The closest of `keys` within edit distance 2 (1 for keys of up to three letters, where
    /// two edits reach almost anything), ignoring case; nil when `key` is one of them or none
    /// is close.
    static func likelyKey(for key: String, among keys: [String]) -> String? {
        guard !keys.contains(key) else { return nil }
        let typed = Array(key.lowercased())
        var best: (key: String, distance: Int)?
        for candidate in keys {
            let limit = candidate.count <= 3 ? 1 : 2
            // Lengths further apart than the limit cannot be within it.
            guard abs(candidate.count - typed.count) <= limit else { continue }
            let distance = Self.distance(typed, Array(candidate))
            if distance <= limit, distance < best?.distance ?? Int.max { best = (candidate, distance) }
        }
        return best?.key
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    /// two neighbours each cost one.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
