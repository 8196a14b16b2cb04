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
    /// `http` only: redirects followed, each hop checked by the outbound policy (0-10; 0, the
    /// default, makes a redirect a failure).
    public var maxRedirects: Int
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
        maxRedirects: Int = 0,
        subject: String? = nil,
        timeoutSeconds: Int = 300,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.kind = kind
        self.url = url
        self.method = method
        self.headers = headers
        self.maxRedirects = maxRedirects
        self.subject = subject
        self.timeoutSeconds = timeoutSeconds
        self.retry = retry
    }

    enum CodingKeys: String, CodingKey {
        case kind = "type"
        case url, method, headers, subject
        case maxRedirects = "max_redirects"
        case timeoutSeconds = "timeout_seconds"
        case retry
    }

    /// Rows and workflow histories written before `max_redirects` existed decode as 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.kind = try container.decode(Kind.self, forKey: .kind)
        self.url = try container.decodeIfPresent(String.self, forKey: .url)
        self.method = try container.decode(String.self, forKey: .method)
        self.headers = try container.decode([String: String].self, forKey: .headers)
        self.maxRedirects = try container.decodeIfPresent(Int.self, forKey: .maxRedirects) ?? 0
        self.subject = try container.decodeIfPresent(String.self, forKey: .subject)
        self.timeoutSeconds = try container.decode(Int.self, forKey: .timeoutSeconds)
        self.retry = try container.decode(RetryPolicy.self, forKey: .retry)
    }

    /// `max_redirects` is written only when set, so the stored form (and content hash) of
    /// every definition without it stays what earlier versions wrote.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        try container.encodeIfPresent(self.url, forKey: .url)
        try container.encode(self.method, forKey: .method)
        try container.encode(self.headers, forKey: .headers)
        if self.maxRedirects != 0 { try container.encode(self.maxRedirects, forKey: .maxRedirects) }
        try container.encodeIfPresent(self.subject, forKey: .subject)
        try container.encode(self.timeoutSeconds, forKey: .timeoutSeconds)
        try container.encode(self.retry, forKey: .retry)
    }
}
