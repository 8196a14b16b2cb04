import Foundation
import Yams

/// Reads and strictly validates a definition's `action` mapping.
enum ActionDecoder {
    static let commonKeys = ["type", "timeout_seconds", "retry"]
    static let retryKeys = ["max_attempts", "initial_interval_seconds", "backoff", "max_interval_seconds"]
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    static func allowedKeys(for kind: ActivityAction.Kind) -> [String] {
        switch kind {
        case .http: Self.commonKeys + ["url", "method", "headers"]
        case .natsPublish: Self.commonKeys + ["subject"]
        case .echo: Self.commonKeys
        }
    }

    static func decode(_ node: Node, context: inout DocumentContext) -> ActivityAction? {
        let reader = MappingReader(scope: "action", node: node, context: &context)
        let before = context.issues.count
        guard let typeName = reader.string("type", required: true, context: &context) else { return nil }
        guard let kind = ActivityAction.Kind(rawValue: typeName) else {
            context.report(
                .invalidValue, at: reader.value("type"),
                "'action.type' must be http, nats.publish or echo, got \"\(typeName)\"")
            return nil
        }
        reader.refuseUnknownKeys(
            allowed: Self.allowedKeys(for: kind), context: &context, hint: " for a \(typeName) action")
        var action = ActivityAction(kind: kind)
        switch kind {
        case .http:
            Self.http(reader, into: &action, context: &context)
        case .natsPublish:
            if let subject = reader.string("subject", required: true, context: &context) {
                if Identifier.isValidSubject(subject, wildcards: false) {
                    action.subject = subject
                } else {
                    context.report(
                        .invalidValue, at: reader.value("subject"),
                        "'action.subject' \"\(subject)\" is not a valid NATS subject to publish on (dot-separated tokens, no spaces or wildcards)"
                    )
                }
            }
        case .echo:
            break
        }
        if let timeout = reader.integer("timeout_seconds", in: 1...Int.max, unit: " of seconds", context: &context) {
            action.timeoutSeconds = timeout
        }
        if let retryNode = reader.mapping("retry", context: &context) {
            action.retry = Self.retry(retryNode, context: &context) ?? action.retry
        }
        return context.issues.count == before ? action : nil
    }

    private static func http(_ reader: MappingReader, into action: inout ActivityAction, context: inout DocumentContext)
    {
        if let url = reader.string("url", required: true, context: &context) {
            if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
            {
                action.url = url
            } else {
                context.report(
                    .invalidValue, at: reader.value("url"), "'action.url' \"\(url)\" is not an absolute http(s) URL")
            }
        }
        if let method = reader.string("method", context: &context) {
            if Self.methods.contains(method.uppercased()) {
                action.method = method.uppercased()
            } else {
                context.report(
                    .invalidValue, at: reader.value("method"),
                    "'action.method' must be one of \(Self.methods.joined(separator: ", ")), got \"\(method)\"")
            }
        }
        if let node = reader.mapping("headers", context: &context), let mapping = node.mapping {
            for (key, value) in mapping {
                guard let name = key.scalar?.string, !name.isEmpty,
                    !name.contains(where: { $0.isWhitespace || $0 == ":" })
                else {
                    context.report(.invalidValue, at: key, "'action.headers' has an invalid header name")
                    continue
                }
                guard let text = value.scalar?.string, !MappingReader.isNull(value) else {
                    context.report(.invalidValue, at: value, "'action.headers.\(name)' must be a single value")
                    continue
                }
                action.headers[name] = text
            }
        }
    }

    private static func retry(_ node: Node, context: inout DocumentContext) -> RetryPolicy? {
        let reader = MappingReader(scope: "action.retry", node: node, context: &context)
        let before = context.issues.count
        reader.refuseUnknownKeys(allowed: Self.retryKeys, context: &context)
        var policy = RetryPolicy()
        if let value = reader.integer("max_attempts", in: 1...1000, context: &context) {
            policy.maxAttempts = value
        }
        if let value = reader.number("initial_interval_seconds", atLeast: 0.001, context: &context) {
            policy.initialIntervalSeconds = value
        }
        if let value = reader.number("backoff", atLeast: 1.0, context: &context) {
            policy.backoff = value
        }
        if let value = reader.number("max_interval_seconds", atLeast: 0.001, context: &context) {
            policy.maxIntervalSeconds = value
        }
        if context.issues.count == before, policy.maxIntervalSeconds < policy.initialIntervalSeconds {
            context.report(
                .invalidValue, at: reader.value("max_interval_seconds") ?? node,
                "'action.retry.max_interval_seconds' must not be below initial_interval_seconds")
        }
        return context.issues.count == before ? policy : nil
    }
}
