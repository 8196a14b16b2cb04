import NIOCore

/// A message delivered to a subscription.
public struct NATSMessage: Sendable, Hashable {
    public var subject: String
    public var replyTo: String?
    /// Header names as sent; a header can repeat.
    public var headers: [String: [String]]
    public var payload: ByteBuffer

    public init(subject: String, replyTo: String? = nil, headers: [String: [String]] = [:], payload: ByteBuffer) {
        self.subject = subject
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The first value of a header, matched without regard to case.
    public func header(_ name: String) -> String? {
        self.headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value.first
    }
}
