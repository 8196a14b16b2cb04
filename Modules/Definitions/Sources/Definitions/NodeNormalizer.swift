import Yams

/// Prepares a composed document for decoding: applies YAML 1.1 merge keys (`<<: *base`,
/// `<<: [*a, *b]`) everywhere, and refuses what PostgreSQL cannot store (U+0000 in a value
/// or a key). Runs after `YAMLShapeCheck`, so the tree it walks is bounded in depth and size.
enum NodeNormalizer {
    static func normalize(_ node: Node, context: inout DocumentContext) -> Node {
        switch node {
        case .scalar(let scalar):
            if scalar.string.utf8.contains(0) {
                context.report(
                    .invalidValue, at: node, "a value holds the character U+0000 (NUL), which PostgreSQL cannot store")
            }
            return node
        case .sequence(let sequence):
            return .sequence(
                Node.Sequence(
                    sequence.map { Self.normalize($0, context: &context) }, sequence.tag, sequence.style, sequence.mark
                ))
        case .mapping(let mapping):
            return .mapping(Self.merge(mapping, at: node, context: &context))
        case .alias:
            return node
        }
    }

    /// The mapping with its merge keys applied: its own keys win over merged ones, and an
    /// earlier mapping of a merged list wins over a later one (YAML 1.1).
    private static func merge(_ mapping: Node.Mapping, at node: Node, context: inout DocumentContext) -> Node.Mapping {
        var own: [(Node, Node)] = []
        var merged: [(Node, Node)] = []
        for (key, value) in mapping {
            guard Self.isMergeKey(key) else {
                own.append((Self.normalize(key, context: &context), Self.normalize(value, context: &context)))
                continue
            }
            let sources: [Node]
            switch value {
            case .mapping: sources = [value]
            case .sequence(let list) where list.allSatisfy({ $0.mapping != nil }): sources = Array(list)
            default:
                context.report(
                    .invalidValue, at: value,
                    "the merge key '<<' takes a mapping or a list of mappings (for example <<: *defaults)")
                continue
            }
            for source in sources {
                if case .mapping(let normalized) = Self.normalize(source, context: &context) {
                    merged += normalized.map { ($0.key, $0.value) }
                }
            }
        }
        var seen = Set(own.compactMap { $0.0.scalar?.string })
        for (key, value) in merged {
            guard let name = key.scalar?.string, seen.insert(name).inserted else { continue }
            own.append((key, value))
        }
        return Node.Mapping(own, mapping.tag, mapping.style, mapping.mark)
    }

    /// A plain `<<` key; a quoted one is an ordinary key.
    static func isMergeKey(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.string == "<<" && scalar.style == .plain
    }
}
