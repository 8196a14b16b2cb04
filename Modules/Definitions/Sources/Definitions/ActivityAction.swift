/// What a run does.
public struct ActivityAction: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case http
        case natsPublish = "nats.publish"
        case echo
    }

    public var kind: Kind
    /// `http` only.
    public var url: String?
    /// `http` only; upper case.
    public var method: String
    /// `http` only.
    public var headers: [String: String]
    /// `nats.publish` only.
    public var subject: String?
    /// Start-to-close timeout of one attempt.
    public var timeoutSeconds: Int
    public var retry: RetryPolicy

    public init(
        kind: Kind,
        url: String? = nil,
        method: String = "POST",
        headers: [String: String] = [:],
        subject: String? = nil,
        timeoutSeconds: Int = 300,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.kind = kind
        self.url = url
        self.method = method
        self.headers = headers
        self.subject = subject
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
    }

    enum CodingKeys: String, CodingKey {
        case kind = "type"
        case url, method, headers, subject
        case timeoutSeconds = "timeout_seconds"
        case retry
    }
}
