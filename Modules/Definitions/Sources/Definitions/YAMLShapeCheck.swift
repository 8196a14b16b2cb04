// Yams composes aliases by copying the anchored node and hashes every mapping key in full,
// so an alias bomb (nested anchors, or an alias used as a key) costs exponential time
// before any of our code sees a node. The only place to bound that is libyaml's event
// stream, which Yams is built on but does not expose; CYaml is the Yams package's own C
// target (no other copy of libyaml is linked).
import CYaml

/// Checks a YAML text against the per-file limits from libyaml's events alone, before the
/// text is composed into nodes: document count, nesting depth, and the nodes and bytes of
/// text with every alias expanded, computed from the weight of each anchored node (never by
/// expanding it); an alias also counts its anchored node's height towards the depth. It also
/// refuses mapping keys that are collections or aliases: keys must be plain values.
///
/// Syntax errors are not its business: it stops at the first one and leaves the message to
/// the composer, which fails at the same place.
struct YAMLShapeCheck {
    let limits: DefinitionLimits
    /// Where the YAML text starts in its file.
    let path: String
    let lineOffset: Int

    /// What a node weighs once every alias in it is expanded. Sums saturate at `cap`.
    struct Weight {
        var nodes = 0
        var bytes = 0
        /// Collection levels from the node down (a scalar is 0, a list of scalars 1).
        var height = 0

        static func saturating(_ a: Int, _ b: Int) -> Int {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int.max : sum
        }

        mutating func add(child: Weight) {
            self.nodes = Self.saturating(self.nodes, child.nodes)
            self.bytes = Self.saturating(self.bytes, child.bytes)
            self.height = max(self.height, child.height + 1)
        }
    }

    /// An open collection: its weight so far, its anchor, and (for a mapping) whether the
    /// next node is a key.
    private struct Frame {
        var weight = Weight(nodes: 1, bytes: 0, height: 1)
        var anchor: String?
        var isMapping: Bool
        var expectsKey: Bool
    }

    /// The first limit the text passes, as a located issue; nil when it stays within them.
    func firstViolation(in yaml: String) -> DefinitionIssue? {
        // A native string is contiguous UTF-8: libyaml reads it in place, without a copy.
        if let result = yaml.utf8.withContiguousStorageIfAvailable({ self.firstViolation(inBytes: $0) }) {
            return result
        }
        return Array(yaml.utf8).withUnsafeBufferPointer { self.firstViolation(inBytes: $0) }
    }

    private func firstViolation(inBytes buffer: UnsafeBufferPointer<UInt8>) -> DefinitionIssue? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        return self.scan(&parser)
    }

    private func scan(_ parser: inout yaml_parser_t) -> DefinitionIssue? {
        // Yams keeps anchors across the documents of one stream, so they are counted so too.
        var anchors: [String: Weight] = [:]
        var stack: [Frame] = []
        var total = Weight()
        var documents = 0
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            let mark = event.start_mark
            let node: Weight
            var keyProblem: String?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > self.limits.maxDocuments {
                    return self.issue(
                        at: mark, "file holds more than \(self.limits.maxDocuments) YAML documents (the limit per file)"
                    )
                }
                continue
            case YAML_SCALAR_EVENT:
                node = Weight(nodes: 1, bytes: Int(event.data.scalar.length), height: 0)
                if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = node }
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                node = anchors[name] ?? Weight(nodes: 1, bytes: 0, height: 0)
                keyProblem = "an alias (*\(name))"
                if stack.count + node.height > self.limits.maxDepth {
                    return self.tooDeep(at: mark, expanded: true)
                }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if let top = stack.last, top.isMapping, top.expectsKey {
                    return self.issue(
                        at: mark, "a mapping key must be a plain value, not \(isMapping ? "a mapping" : "a list")")
                }
                let anchor = Self.string(
                    isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                stack.append(Frame(anchor: anchor, isMapping: isMapping, expectsKey: isMapping))
                if stack.count > self.limits.maxDepth { return self.tooDeep(at: mark, expanded: false) }
                // The collection's own node counts now; its contents as they arrive.
                total.nodes = Weight.saturating(total.nodes, 1)
                if let violation = self.checkTotals(total, at: mark) { return violation }
                continue
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                if let anchor = frame.anchor { anchors[anchor] = frame.weight }
                if var parent = stack.popLast() {
                    parent.weight.add(child: frame.weight)
                    if parent.isMapping { parent.expectsKey.toggle() }
                    stack.append(parent)
                }
                continue
            default:
                continue
            }
            if var top = stack.popLast() {
                if top.isMapping, top.expectsKey, let keyProblem {
                    return self.issue(at: mark, "a mapping key must be a plain value, not \(keyProblem)")
                }
                top.weight.add(child: node)
                if top.isMapping { top.expectsKey.toggle() }
                stack.append(top)
            }
            total.nodes = Weight.saturating(total.nodes, node.nodes)
            total.bytes = Weight.saturating(total.bytes, node.bytes)
            if let violation = self.checkTotals(total, at: mark) { return violation }
        }
        // libyaml's own bound (1,000 levels) can stop its scanner before the events reach 64:
        // that is the same limit passed, reported as such.
        if let problem = parser.problem.map({ String(cString: $0) }), problem.contains("nesting level") {
            return self.tooDeep(at: parser.problem_mark, expanded: false)
        }
        // Any other syntax error: the composer reports it with its own message.
        return nil
    }

    private func checkTotals(_ total: Weight, at mark: yaml_mark_t) -> DefinitionIssue? {
        if total.nodes > self.limits.maxNodes {
            return self.issue(
                at: mark,
                "file expands to more than \(self.limits.maxNodes) YAML nodes (aliases counted expanded; the limit per file)"
            )
        }
        if total.bytes > self.limits.maxExpandedBytes {
            return self.issue(
                at: mark,
                "file expands to more than \(self.limits.maxExpandedBytes) bytes of text (aliases counted expanded; four times ACTIVITY_MAX_FILE_BYTES)"
            )
        }
        return nil
    }

    private func tooDeep(at mark: yaml_mark_t, expanded: Bool) -> DefinitionIssue {
        self.issue(
            at: mark,
            "nesting deeper than \(self.limits.maxDepth) levels\(expanded ? " once aliases are expanded" : "") (the limit per document)"
        )
    }

    private func issue(at mark: yaml_mark_t, _ message: String) -> DefinitionIssue {
        DefinitionIssue(
            .limit,
            at: SourceLocation(
                path: self.path, line: Int(mark.line) + 1 + self.lineOffset, column: Int(mark.column) + 1),
            message)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
