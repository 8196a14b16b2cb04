import Yams

extension JSONValue {
    /// Converts a composed YAML node, resolving scalars with the YAML 1.1 core tags
    /// (`true`, `42`, `1.5`, `~`); timestamps and everything else stay strings.
    init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            self = Self.scalarValue(node: node, text: scalar.string)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                members[key.scalar?.string ?? "\(key)"] = JSONValue(yaml: value)
            }
            self = .object(members)
        case .sequence(let sequence):
            self = .array(sequence.map { JSONValue(yaml: $0) })
        case .alias:
            self = .null
        }
    }

    private static func scalarValue(node: Node, text: String) -> JSONValue {
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue:
            return .null
        case Tag.Name.bool.rawValue:
            return node.bool.map(JSONValue.bool) ?? .string(text)
        case Tag.Name.int.rawValue:
            if let value = YAMLInteger.value(of: node) { return .integer(Int64(value)) }
            return .string(text)
        case Tag.Name.float.rawValue:
            if let value = node.float, value.isFinite { return .number(value) }
            return .string(text)
        default:
            return .string(text)
        }
    }
}
