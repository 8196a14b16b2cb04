import Foundation
import Outbound
import Yams

/// Reads and strictly validates a definition's `action` mapping.
enum ActionDecoder {
    static let commonKeys = ["type", "timeout_seconds", "retry"]
    static let retryKeys = ["max_attempts", "initial_interval_seconds", "backoff", "max_interval_seconds"]
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    static func allowedKeys(for kind: ActivityAction.Kind) -> [String] {
        switch kind {
        case .http: Self.commonKeys + ["url", "method", "headers", "max_redirects"]
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
        if let timeout = reader.integer(
            "timeout_seconds", in: ValueRanges.timeoutSeconds, unit: " of seconds", context: &context)
        {
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
            if let problem = Self.urlProblem(url) {
                context.report(.invalidValue, at: reader.value("url"), "'action.url' \"\(url)\" \(problem)")
            } else {
                action.url = url
                if let host = URLComponents(string: url)?.host,
                    let refusal = context.outboundPolicy.literalRefusal(host: host)
                {
                    context.warn(
                        .activity, .refusedTarget, at: reader.value("url"),
                        "'action.url' targets \(refusal): every run of this action will fail")
                }
            }
        }
        if let redirects = reader.integer("max_redirects", in: ValueRanges.maxRedirects, context: &context) {
            action.maxRedirects = redirects
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
                guard let name = key.scalar?.string, HeaderField.isValidName(name) else {
                    context.report(
                        .invalidValue, at: key,
                        "'action.headers' has an invalid header name \"\(key.scalar?.string ?? "")\" (RFC 9110: letters, digits and !#$%&'*+-.^_`|~ only)"
                    )
                    continue
                }
                guard let text = value.scalar?.string, !MappingReader.isNull(value) else {
                    context.report(.invalidValue, at: value, "'action.headers.\(name)' must be a single value")
                    continue
                }
                guard HeaderField.isValidValue(text) else {
                    context.report(
                        .invalidValue, at: value,
                        "'action.headers.\(name)' holds a line break or another control character (RFC 9110 forbids them in a header value)"
                    )
                    continue
                }
                switch SecretReference.parse(text) {
                case .failure(let problem):
                    context.report(.invalidValue, at: value, "'action.headers.\(name)': \(problem)")
                    continue
                case .success(let parts):
                    let referenced = parts.contains { if case .secret = $0 { true } else { false } }
                    if !referenced, SecretReference.looksLikeCredential(header: name) {
                        context.warn(
                            .activity, .literalCredential, at: value,
                            "'action.headers.\(name)' is written in the file, so it is stored in PostgreSQL and Temporal's history: write ${secret:NAME} and keep the value in ACTIVITY_SECRETS_DIR"
                        )
                    }
                }
                action.headers[name] = text
            }
        }
    }

    /// Why `url` cannot be an http action's target; nil when it can.
    static func urlProblem(_ url: String) -> String? {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
        else {
            return "is not an absolute http(s) URL"
        }
        if let port = parsed.port, !(1...65535).contains(port) {
            return "has port \(port); a port is 1 to 65535"
        }
        if url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "holds a control character"
        }
        return nil
    }

    private static func retry(_ node: Node, context: inout DocumentContext) -> RetryPolicy? {
        let reader = MappingReader(scope: "action.retry", node: node, context: &context)
        let before = context.issues.count
        reader.refuseUnknownKeys(allowed: Self.retryKeys, context: &context)
        var policy = RetryPolicy()
        if let value = reader.integer("max_attempts", in: ValueRanges.maxAttempts, context: &context) {
            policy.maxAttempts = value
        }
        if let value = reader.number("initial_interval_seconds", in: ValueRanges.intervalSeconds, context: &context) {
            policy.initialIntervalSeconds = value
        }
        if let value = reader.number("backoff", in: ValueRanges.backoff, context: &context) {
            policy.backoff = value
        }
        if let value = reader.number("max_interval_seconds", in: ValueRanges.intervalSeconds, context: &context) {
            policy.maxIntervalSeconds = value
        }
        if context.issues.count == before, policy.maxIntervalSeconds < policy.initialIntervalSeconds {
            // Reported where the operator wrote the value that is out of order.
            let given =
                reader.value("max_interval_seconds") != nil ? "max_interval_seconds" : "initial_interval_seconds"
            context.report(
                .invalidValue, at: reader.value(given) ?? node,
                "'action.retry.max_interval_seconds' (\(policy.maxIntervalSeconds)) must not be below initial_interval_seconds (\(policy.initialIntervalSeconds))"
            )
        }
        return context.issues.count == before ? policy : nil
    }
}
