import Foundation
import Yams

/// Reads typed values out of one YAML mapping, reporting each problem with its location,
/// and remembers which keys were read so that the rest can be refused (strict scopes) or
/// kept (top level).
struct MappingReader {
    /// `trigger`, `action`, ... for messages; empty at the top level.
    let scope: String
    let node: Node
    private(set) var entries: [(key: String, keyNode: Node, value: Node)] = []

    init(scope: String, node: Node, context: inout DocumentContext) {
        self.scope = scope
        self.node = node
        guard let mapping = node.mapping else { return }
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? ""
            if seen.contains(key) {
                context.report(.invalidValue, at: keyNode, "\(self.label(key)) is given twice")
                continue
            }
            seen.insert(key)
            self.entries.append((key, keyNode, value))
        }
    }

    var keys: [String] { self.entries.map(\.key) }

    func value(_ key: String) -> Node? {
        self.entries.first(where: { $0.key == key })?.value
    }

    func keyNode(_ key: String) -> Node? {
        self.entries.first(where: { $0.key == key })?.keyNode
    }

    func label(_ key: String) -> String {
        self.scope.isEmpty ? "'\(key)'" : "'\(self.scope).\(key)'"
    }

    /// Refuses every key outside `allowed`, naming the ones that are accepted.
    func refuseUnknownKeys(allowed: [String], context: inout DocumentContext, hint: String = "") {
        for entry in self.entries where !allowed.contains(entry.key) {
            context.report(
                .unknownKey,
                at: entry.keyNode,
                "unknown key \(self.label(entry.key))\(hint) (accepted: \(allowed.joined(separator: ", ")))"
            )
        }
    }

    /// True when the value is a null scalar (`~`, `null` or nothing).
    static func isNull(_ node: Node) -> Bool {
        node.scalar != nil && node.tag.rawValue == Tag.Name.null.rawValue
    }

    func string(_ key: String, required: Bool = false, context: inout DocumentContext) -> String? {
        guard let node = self.present(key, required: required, context: &context) else { return nil }
        guard let scalar = node.scalar, node.tag.rawValue == Tag.Name.str.rawValue else {
            context.report(.invalidValue, at: node, "\(self.label(key)) must be a string")
            return nil
        }
        return scalar.string
    }

    /// A scalar read as text whatever its YAML type (`version: 1.0` reads "1.0").
    func text(_ key: String, context: inout DocumentContext) -> String? {
        guard let node = self.present(key, required: false, context: &context) else { return nil }
        guard let scalar = node.scalar else {
            context.report(.invalidValue, at: node, "\(self.label(key)) must be a single value")
            return nil
        }
        return scalar.string
    }

    func bool(_ key: String, context: inout DocumentContext) -> Bool? {
        guard let node = self.present(key, required: false, context: &context) else { return nil }
        guard node.tag.rawValue == Tag.Name.bool.rawValue, let value = node.bool else {
            context.report(.invalidValue, at: node, "\(self.label(key)) must be true or false")
            return nil
        }
        return value
    }

    func integer(
        _ key: String,
        in range: ClosedRange<Int>,
        unit: String = "",
        context: inout DocumentContext
    ) -> Int? {
        guard let node = self.present(key, required: false, context: &context) else { return nil }
        guard node.tag.rawValue == Tag.Name.int.rawValue else {
            context.report(.invalidValue, at: node, "\(self.label(key)) must be a whole number\(unit)")
            return nil
        }
        guard let value = YAMLInteger.value(of: node), range.contains(value) else {
            context.report(
                .invalidValue, at: node,
                "\(self.label(key)) must be \(Self.describe(range))\(unit), got \(node.scalar?.string ?? "")")
            return nil
        }
        return value
    }

    func number(_ key: String, in range: ClosedRange<Double>, context: inout DocumentContext) -> Double? {
        guard let node = self.present(key, required: false, context: &context) else { return nil }
        let tag = node.tag.rawValue
        guard tag == Tag.Name.int.rawValue || tag == Tag.Name.float.rawValue, let value = node.float, !value.isNaN
        else {
            context.report(.invalidValue, at: node, "\(self.label(key)) must be a number")
            return nil
        }
        guard range.contains(value) else {
            context.report(
                .invalidValue, at: node,
                "\(self.label(key)) must be from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)), got \(node.scalar?.string ?? Self.format(value))"
            )
            return nil
        }
        return value
    }

    func mapping(_ key: String, context: inout DocumentContext) -> Node? {
        guard let node = self.present(key, required: false, context: &context) else { return nil }
        guard node.mapping != nil else {
            context.report(.invalidValue, at: node, "\(self.label(key)) must be a mapping")
            return nil
        }
        return node
    }

    /// The value node, or nil when absent or null; reports a missing required key.
    private func present(_ key: String, required: Bool, context: inout DocumentContext) -> Node? {
        guard let node = self.value(key), !Self.isNull(node) else {
            if required {
                context.report(.missingKey, at: self.value(key) ?? self.node, "missing required key \(self.label(key))")
            }
            return nil
        }
        return node
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
    }

    private static func format(_ value: Double) -> String {
        // Whole numbers print without a fraction; only values that fit an Int64 are converted.
        value == value.rounded() && abs(value) < 9.0e18 ? String(Int64(value)) : String(value)
    }
}
