import Foundation
import Outbound
import Testing

@testable import Definitions

/// The `action` mapping: http, nats.publish and echo, timeouts and retries.
@Suite("Action validation")
struct ActionValidationTests {
    static func http(_ extra: String = "", url: String = "https://hooks.example/digest") -> String {
        """
        id: action-test
        action:
          type: http
          url: \(url)
        \(extra)
        """
    }

    static func nats(_ extra: String = "") -> String {
        """
        id: action-test
        action:
          type: nats.publish
          subject: reports.digest
        \(extra)
        """
    }

    @Test("a full http action is read")
    func fullHTTP() throws {
        let action = try Fixture.action(
            """
            id: digest
            action:
              type: http
              url: https://hooks.example/digest
              method: PUT
              headers: {X-Team: coulomb, X-Count: 5}
              timeout_seconds: 120
              retry: {max_attempts: 5, initial_interval_seconds: 0.5, backoff: 1.5, max_interval_seconds: 30}
            """)
        #expect(action.kind == .http)
        #expect(action.url == "https://hooks.example/digest")
        #expect(action.method == "PUT")
        #expect(action.headers == ["X-Team": "coulomb", "X-Count": "5"])
        #expect(action.subject == nil)
        #expect(action.timeoutSeconds == 120)
        #expect(
            action.retry
                == RetryPolicy(maxAttempts: 5, initialIntervalSeconds: 0.5, backoff: 1.5, maxIntervalSeconds: 30))
    }

    @Test("max_redirects is read; without it, 0 is neither stored nor hashed (rows of earlier versions stay equal)")
    func maxRedirects() throws {
        let action = try Fixture.action(Self.http("  max_redirects: 3"))
        #expect(action.maxRedirects == 3)
        let plain = try Fixture.action(Self.http())
        #expect(plain.maxRedirects == 0)
        let encoded = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!encoded.contains("max_redirects"), "\(encoded)")
        #expect(String(decoding: try JSONEncoder().encode(action), as: UTF8.self).contains("\"max_redirects\":3"))
        // A row (or a workflow history) written before the key existed.
        let earlier =
            #"{"type":"http","url":"https://hooks.example/x","method":"POST","headers":{},"timeout_seconds":300,"#
            + #""retry":{"max_attempts":3,"initial_interval_seconds":1,"backoff":2,"max_interval_seconds":60}}"#
        let decoded = try JSONDecoder().decode(ActivityAction.self, from: Data(earlier.utf8))
        #expect(decoded.maxRedirects == 0 && decoded.url == "https://hooks.example/x")
        #expect(try JSONDecoder().decode(ActivityAction.self, from: JSONEncoder().encode(action)) == action)
    }

    @Test(
        "a literal target the outbound policy refuses is a located warning, not an error",
        arguments: [
            ("http://127.0.0.1:9000/hook", "127.0.0.1 is loopback (127.0.0.0/8)"),
            ("http://localhost/hook", "localhost resolves to 127.0.0.1: loopback"),
            ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local (169.254.0.0/16)"),
            ("https://[fd00::1]/hook", "fd00::1 is private (fc00::/7)"),
            ("http://10.1.2.3/hook", "10.1.2.3 is private (10.0.0.0/8)"),
        ])
    func refusedLiteralTarget(url: String, expected: String) throws {
        let file = Fixture.parse(Self.http(url: url))
        #expect(file.issues.isEmpty, "\(file.issues)")
        #expect(file.documents.count == 1)
        let warning = try #require(file.warnings.first)
        #expect(warning.issue.code == .refusedTarget)
        #expect(warning.issue.location.line == 4 && warning.issue.location.column == 8, "\(warning.issue)")
        #expect(warning.issue.message.contains(expected), "\(warning.issue.message)")
        #expect(warning.issue.message.contains("ACTIVITY_HTTP_ALLOW"))
        // Allowed by ACTIVITY_HTTP_ALLOW, or a name judged only when the run is made: no warning.
        let allowed = try OutboundPolicy(parsing: "127.0.0.0/8,169.254.169.254,fd00::/8,10.0.0.0/8,localhost")
        let quiet = DefinitionFileParser.parse(
            text: Self.http(url: url), path: Fixture.yamlPath, relativePath: "a.yaml",
            limits: DefinitionLimits(outboundPolicy: allowed))
        #expect(quiet.warnings.isEmpty, "\(quiet.warnings)")
        #expect(Fixture.parse(Self.http(url: "https://hooks.example/x")).warnings.isEmpty)
    }

    @Test("a credential header written as a literal is a warning; a secret reference is not")
    func literalCredentials() throws {
        let literal = Fixture.parse(Self.http("  headers: {Authorization: Bearer abc, X-Team: coulomb, X-Api-Key: k}"))
        #expect(literal.issues.isEmpty)
        let warnings = literal.warnings.map(\.issue).filter { $0.code == .literalCredential }
        #expect(warnings.count == 2, "\(literal.warnings)")
        #expect(warnings.allSatisfy { $0.location.line == 5 && $0.message.contains("${secret:NAME}") })
        #expect(warnings.contains { $0.message.hasPrefix("'action.headers.Authorization'") })
        let referenced = Fixture.parse(
            Self.http("  headers: {Authorization: \"Bearer ${secret:hook-token}\", X-Api-Key: \"${secret:k}\"}"))
        #expect(referenced.issues.isEmpty && referenced.warnings.isEmpty, "\(referenced.warnings)")
        #expect(referenced.documents.count == 1)
    }

    @Test("an http action gets the defaults")
    func httpDefaults() throws {
        let action = try Fixture.action(Self.http())
        #expect(action.method == "POST")
        #expect(action.headers.isEmpty)
        #expect(action.timeoutSeconds == 300)
        #expect(
            action.retry == RetryPolicy(maxAttempts: 3, initialIntervalSeconds: 1, backoff: 2, maxIntervalSeconds: 60))
    }

    @Test(
        "absolute http(s) URLs are accepted",
        arguments: ["https://hooks.example/digest", "http://localhost:8080/run?x=1", "HTTPS://Example.com"]
    )
    func urls(_ url: String) throws {
        #expect(try Fixture.action(Self.http(url: url)).url == url)
    }

    @Test(
        "methods are accepted in any case and upper-cased",
        arguments: [("get", "GET"), ("post", "POST"), ("Put", "PUT"), ("patch", "PATCH"), ("DELETE", "DELETE")]
    )
    func methods(_ written: String, _ method: String) throws {
        #expect(try Fixture.action(Self.http("  method: \(written)")).method == method)
    }

    @Test("a nats.publish action is read")
    func natsPublish() throws {
        let action = try Fixture.action(Self.nats("  timeout_seconds: 1"))
        #expect(action.kind == .natsPublish)
        #expect(action.subject == "reports.digest")
        #expect(action.url == nil)
        #expect(action.timeoutSeconds == 1)
    }

    @Test("an echo action is read")
    func echo() throws {
        let action = try Fixture.action("id: e\naction: {type: echo}\n")
        #expect(action == ActivityAction(kind: .echo))
    }

    @Test("no action means the configured default")
    func noAction() throws {
        #expect(try Fixture.definition("id: default-action\n").action == nil)
    }

    @Test("the smallest accepted retry values")
    func retryBounds() throws {
        let action = try Fixture.action(
            Self.http("  retry: {max_attempts: 1, initial_interval_seconds: 5, backoff: 1.0, max_interval_seconds: 5}"))
        #expect(
            action.retry == RetryPolicy(maxAttempts: 1, initialIntervalSeconds: 5, backoff: 1, maxIntervalSeconds: 5))
    }

    static let broken: [BrokenCase] = [
        BrokenCase(
            "unknown action type", .invalidValue, at: 3, 9,
            "'action.type' must be http, nats.publish or echo, got \"shell\"",
            "id: a\naction:\n  type: shell\n  command: ls\n"),
        BrokenCase(
            "action without type", .missingKey, at: 3, 3, "missing required key 'action.type'",
            "id: a\naction:\n  url: https://hooks.example/x\n"),
        BrokenCase(
            "action not a mapping", .invalidValue, at: 2, 9, "'action' must be a mapping", "id: a\naction: http\n"),
        BrokenCase(
            "http action without url", .missingKey, at: 3, 3, "missing required key 'action.url'",
            "id: a\naction:\n  type: http\n  method: GET\n"),
        BrokenCase(
            "ftp url", .invalidValue, at: 4, 8, "'action.url' \"ftp://x\" is not an absolute http(s) URL",
            Self.http(url: "ftp://x")),
        BrokenCase(
            "url that is no url", .invalidValue, at: 4, 8, "'action.url' \"not a url\" is not an absolute http(s) URL",
            Self.http(url: "not a url")),
        BrokenCase(
            "relative url", .invalidValue, at: 4, 8, "'action.url' \"/hooks/digest\" is not an absolute http(s) URL",
            Self.http(url: "/hooks/digest")),
        BrokenCase(
            "url without host", .invalidValue, at: 4, 8, "is not an absolute http(s) URL", Self.http(url: "https://")),
        BrokenCase(
            "unknown method", .invalidValue, at: 5, 11,
            "'action.method' must be one of GET, POST, PUT, PATCH, DELETE, got \"FETCH\"",
            Self.http("  method: FETCH")),
        BrokenCase(
            "headers not a mapping", .invalidValue, at: 5, 12, "'action.headers' must be a mapping",
            Self.http("  headers: [X-Team]")),
        BrokenCase(
            "header with a list value", .invalidValue, at: 5, 21, "'action.headers.X-Team' must be a single value",
            Self.http("  headers: {X-Team: [a, b]}")),
        BrokenCase(
            "header name with a blank", .invalidValue, at: 5, 13, "'action.headers' has an invalid header name",
            Self.http("  headers: {\"X Team\": coulomb}")),
        BrokenCase(
            "subject key in an http action", .unknownKey, at: 5, 3,
            "unknown key 'action.subject' for a http action "
                + "(accepted: type, timeout_seconds, retry, url, method, headers, max_redirects)",
            Self.http("  subject: reports.digest")),
        BrokenCase(
            "secret reference not closed", .invalidValue, at: 5, 20,
            "'action.headers.X-Key': ${secret:... is not closed",
            Self.http("  headers: {X-Key: \"${secret:hook\"}")),
        BrokenCase(
            "secret reference to a path", .invalidValue, at: 5, 20,
            "'action.headers.X-Key': ${secret:../etc} names no secret",
            Self.http("  headers: {X-Key: \"${secret:../etc}\"}")),
        BrokenCase(
            "max_redirects above 10", .invalidValue, at: 5, 18, "'action.max_redirects' must be from 0 to 10, got 11",
            Self.http("  max_redirects: 11")),
        BrokenCase(
            "max_redirects not a number", .invalidValue, at: 5, 18, "'action.max_redirects' must be a whole number",
            Self.http("  max_redirects: many")),
        BrokenCase(
            "max_redirects in a nats.publish action", .unknownKey, at: 5, 3, "unknown key 'action.max_redirects'",
            Self.nats("  max_redirects: 1")),
        BrokenCase(
            "nats.publish without subject", .missingKey, at: 3, 3, "missing required key 'action.subject'",
            "id: a\naction:\n  type: nats.publish\n  timeout_seconds: 10\n"),
        BrokenCase(
            "nats.publish subject with a wildcard", .invalidValue, at: 4, 12,
            "'action.subject' \"reports.*\" is not a valid NATS subject to publish on",
            "id: a\naction:\n  type: nats.publish\n  subject: reports.*\n"),
        BrokenCase(
            "nats.publish subject with a tail wildcard", .invalidValue, at: 4, 12,
            "'action.subject' \"reports.>\" is not a valid NATS subject",
            "id: a\naction:\n  type: nats.publish\n  subject: reports.>\n"),
        BrokenCase(
            "nats.publish subject with an empty token", .invalidValue, at: 4, 12,
            "'action.subject' \"reports..digest\" is not a valid NATS subject",
            "id: a\naction:\n  type: nats.publish\n  subject: reports..digest\n"),
        BrokenCase(
            "url in a nats.publish action", .unknownKey, at: 5, 3,
            "unknown key 'action.url' for a nats.publish action (accepted: type, timeout_seconds, retry, subject)",
            Self.nats("  url: https://hooks.example/x")),
        BrokenCase(
            "zero timeout", .invalidValue, at: 5, 20,
            "'action.timeout_seconds' must be from 1 to 3155760000 of seconds, got 0",
            Self.nats("  timeout_seconds: 0")),
        BrokenCase(
            "timeout not a number", .invalidValue, at: 5, 20, "'action.timeout_seconds' must be a whole number",
            Self.nats("  timeout_seconds: 5m")),
        BrokenCase(
            "retry not a mapping", .invalidValue, at: 5, 10, "'action.retry' must be a mapping",
            Self.nats("  retry: 3")),
        BrokenCase(
            "unknown retry key", .unknownKey, at: 6, 5,
            "unknown key 'action.retry.max_attempt' "
                + "(accepted: max_attempts, initial_interval_seconds, backoff, max_interval_seconds)",
            Self.nats("  retry:\n    max_attempt: 3")),
        BrokenCase(
            "zero max_attempts", .invalidValue, at: 6, 19, "'action.retry.max_attempts' must be from 1 to 1000, got 0",
            Self.nats("  retry:\n    max_attempts: 0")),
        BrokenCase(
            "backoff below 1.0", .invalidValue, at: 6, 14, "'action.retry.backoff' must be from 1 to 1000, got 0.5",
            Self.nats("  retry:\n    backoff: 0.5")),
        BrokenCase(
            "backoff not a number", .invalidValue, at: 6, 14, "'action.retry.backoff' must be a number",
            Self.nats("  retry:\n    backoff: fast")),
        BrokenCase(
            "max interval below initial interval", .invalidValue, at: 7, 27,
            "'action.retry.max_interval_seconds' (5.0) must not be below initial_interval_seconds (10.0)",
            Self.nats("  retry:\n    initial_interval_seconds: 10\n    max_interval_seconds: 5")),
        BrokenCase(
            "initial interval above the default max interval: reported at the value given", .invalidValue, at: 6,
            31, "'action.retry.max_interval_seconds' (60.0) must not be below initial_interval_seconds (100.0)",
            Self.nats("  retry:\n    initial_interval_seconds: 100")),
    ]

    @Test("each broken action is reported once, at its place", arguments: ActionValidationTests.broken)
    func brokenAction(_ broken: BrokenCase) throws {
        try Fixture.expectOnlyIssue(broken)
    }
}
