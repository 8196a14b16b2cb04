import Yams

/// Turns one composed YAML document into a validated definition or event type.
enum DocumentDecoder {
    static let activityType = "activity-definition"
    static let eventTypeType = "event-type"
    /// The top-level keys the contract gives a meaning to, per kind.
    static let activityKeys = ["type", "id", "name", "version", "enabled", "owner", "trigger", "action", "input"]
    static let eventTypeKeys = ["type", "id", "type_id", "version", "publisher", "subject", "enabled", "description"]

    /// What a document is, judged from its `type` and the kind of file it is in.
    enum Kind {
        case activity
        case eventType
        /// Documentation (markdown with another type): skipped silently.
        case skipped
    }

    /// Decodes `root`; returns the document when valid. `mentionedID` is the id it names,
    /// valid or not, so that a failing file can protect what it held.
    static func decode(
        _ root: Node,
        markdownBody: String?,
        context: inout DocumentContext
    ) -> (kind: Kind, document: LocatedDocument?, mentionedID: String?) {
        guard root.mapping != nil else {
            // Front matter that is not a mapping has no type: documentation.
            if markdownBody != nil { return (.skipped, nil, nil) }
            context.report(.invalidDocument, at: root, "a definition document must be a mapping of keys to values")
            return (.activity, nil, nil)
        }
        let reader = MappingReader(scope: "", node: root, context: &context)
        let isMarkdown = markdownBody != nil
        let kind: Kind
        switch reader.value("type").flatMap({ MappingReader.isNull($0) ? nil : $0 }) {
        case nil:
            kind = isMarkdown ? .skipped : .activity
        case .some(let typeNode):
            switch typeNode.scalar?.string {
            case Self.activityType: kind = .activity
            case Self.eventTypeType: kind = .eventType
            case let other:
                if isMarkdown { return (.skipped, nil, nil) }
                context.report(
                    .invalidDocument,
                    at: typeNode,
                    "unknown document type \"\(other ?? "")\" (expected \(Self.activityType) or \(Self.eventTypeType))"
                )
                return (.activity, nil, reader.value("id")?.scalar?.string)
            }
        }
        switch kind {
        case .skipped:
            return (.skipped, nil, nil)
        case .activity:
            let (document, id) = Self.activity(reader, body: markdownBody, context: &context)
            return (.activity, document, id)
        case .eventType:
            let (document, id) = Self.eventType(reader, context: &context)
            return (.eventType, document, id)
        }
    }

    private static func identifier(_ key: String, _ reader: MappingReader, context: inout DocumentContext) -> String? {
        guard let node = reader.value(key), !MappingReader.isNull(node) else {
            context.report(.missingKey, at: reader.node, "missing required key 'id'")
            return nil
        }
        guard let id = node.scalar?.string, Identifier.isValid(id) else {
            context.report(
                .invalidValue,
                at: node,
                "'\(key)' \"\(node.scalar?.string ?? "")\" must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$ (a slug or a UUID)"
            )
            return nil
        }
        return id
    }

    private static func activity(
        _ reader: MappingReader,
        body: String?,
        context: inout DocumentContext
    ) -> (LocatedDocument?, String?) {
        let before = context.issues.count
        let id = Self.identifier("id", reader, context: &context)
        let name = reader.string("name", context: &context)
        let version = reader.text("version", context: &context)
        let enabled = reader.bool("enabled", context: &context) ?? true
        let owner = reader.string("owner", context: &context)
        let trigger = reader.mapping("trigger", context: &context).flatMap {
            TriggerDecoder.decode($0, context: &context)
        }
        let action = reader.mapping("action", context: &context).flatMap { ActionDecoder.decode($0, context: &context) }
        let input = reader.value("input").map { JSONValue(yaml: $0) }
        Self.warnLikelyTypos(reader, contractKeys: Self.activityKeys, kind: .activity, context: &context)
        guard context.issues.count == before, let id else { return (nil, id) }
        let definition = ActivityDefinition(
            id: id,
            name: name,
            version: version,
            enabled: enabled,
            owner: owner,
            trigger: trigger,
            action: action,
            input: input == .null ? nil : input,
            document: JSONValue(yaml: reader.node),
            body: body
        )
        return (
            LocatedDocument(document: .activity(definition), location: context.location(of: reader.value("id"))), id
        )
    }

    private static func eventType(_ reader: MappingReader, context: inout DocumentContext) -> (
        LocatedDocument?, String?
    ) {
        let before = context.issues.count
        let idKey = reader.value("id") == nil && reader.value("type_id") != nil ? "type_id" : "id"
        let id = Self.identifier(idKey, reader, context: &context)
        let version = reader.text("version", context: &context)
        let publisher = reader.string("publisher", context: &context)
        let enabled = reader.bool("enabled", context: &context) ?? true
        let description = reader.string("description", context: &context)
        var subject = reader.string("subject", context: &context)
        if let value = subject, !Identifier.isValidSubject(value, wildcards: true) {
            context.report(
                .invalidValue, at: reader.value("subject"), "'subject' \"\(value)\" is not a valid NATS subject")
            subject = nil
        }
        Self.warnLikelyTypos(reader, contractKeys: Self.eventTypeKeys, kind: .eventType, context: &context)
        guard context.issues.count == before, let id else { return (nil, id) }
        let eventType = EventTypeDefinition(
            id: id,
            version: version,
            publisher: publisher,
            subject: subject,
            enabled: enabled,
            description: description,
            document: JSONValue(yaml: reader.node)
        )
        return (
            LocatedDocument(document: .eventType(eventType), location: context.location(of: reader.value(idKey))), id
        )
    }

    /// What a misspelt key leaves the definition as, for the warning.
    static let typoConsequences = [
        "trigger": " (without 'trigger' the definition runs only when triggered by hand)",
        "enabled": " (the definition stays enabled)",
        "action": " (the default action runs instead)",
    ]

    /// A top-level key that is not in the contract but close to a contract key the document
    /// lacks is most likely a typo: a warning, since extra keys are kept, not checked.
    static func warnLikelyTypos(
        _ reader: MappingReader, contractKeys: [String], kind: DocumentKind, context: inout DocumentContext
    ) {
        let present = Set(reader.keys)
        for entry in reader.entries where !contractKeys.contains(entry.key) {
            guard let likely = KeySuggestion.likelyKey(for: entry.key, among: contractKeys), !present.contains(likely)
            else { continue }
            context.warn(
                kind, .likelyTypo, at: entry.keyNode,
                "unknown top-level key '\(entry.key)' looks like '\(likely)'; it is kept as an extra key and not interpreted\(Self.typoConsequences[likely] ?? "")"
            )
        }
    }
}
