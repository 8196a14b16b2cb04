/// What keeps slow or many clients from holding the HTTP server (the README's "Slow and
/// many clients"): a header deadline, an idle deadline and a connection cap.
public struct HTTPServerLimits: Sendable, Equatable {
    /// `ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS` (10): a new connection's first request header
    /// must be complete within it, or the connection is closed.
    public var headerTimeout: Duration
    /// `ACTIVITY_HTTP_IDLE_TIMEOUT_SECONDS` (60): a connection with no request in progress is
    /// closed after it; on a kept-alive connection the next request's header must be complete
    /// within it. A request in progress (a long sync) has no deadline here.
    public var idleTimeout: Duration
    /// `ACTIVITY_HTTP_MAX_CONNECTIONS` (512): connections held at once; the next one is
    /// accepted when one closes.
    public var maxConnections: Int

    public init(headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60), maxConnections: Int = 512)
    {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
