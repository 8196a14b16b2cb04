/// The client's connection lifecycle as a value: which link is current, whether the client is
/// (re)connecting, when to try again and when to give up. It does no I/O: the client opens
/// and closes links and sleeps as the returned actions say, and unit tests drive it with
/// plain values.
struct NATSConnectionLifecycle<Link: AnyObject & Sendable>: Sendable {
    enum State: Sendable {
        /// Not connected yet (before the first connection).
        case connecting
        case connected(Link)
        /// The connection was lost; rounds over the servers until one answers.
        case reconnecting(since: ContinuousClock.Instant)
        case closed(NATSError)
    }

    /// What to do with a link that just completed its handshake.
    enum Opened: Equatable {
        /// It is the current link now; `reconnect` when it replaces a lost one.
        case installed(reconnect: Bool)
        /// The client was closed (or connected) meanwhile: close the new link.
        case closeIt
    }

    /// What to do after a round in which every server refused.
    enum AfterRound: Equatable {
        case retry(after: Duration)
        /// `maxAttempts` rounds failed: the client is closed with this error.
        case giveUp(NATSError)
        /// The client was closed meanwhile.
        case stop
    }

    private(set) var state: State = .connecting
    let reconnectWait: Duration
    let maxReconnectWait: Duration
    /// Rounds before giving up; nil = never.
    let maxAttempts: Int?
    private(set) var failedRounds = 0
    private var wait: Duration
    /// Why the last attempt (or the lost connection) failed, for the error callers get meanwhile.
    private(set) var lastFailure: String?

    init(reconnectWait: Duration, maxReconnectWait: Duration, maxAttempts: Int?) {
        self.reconnectWait = reconnectWait
        self.maxReconnectWait = maxReconnectWait
        self.maxAttempts = maxAttempts
        self.wait = reconnectWait
    }

    init(_ configuration: NATSConfiguration) {
        self.init(
            reconnectWait: configuration.reconnectWait, maxReconnectWait: configuration.maxReconnectWait,
            maxAttempts: configuration.maxReconnectAttempts)
    }

    /// True while a connection is wanted and there is none (connecting or reconnecting).
    var wantsConnection: Bool {
        switch self.state {
        case .connecting, .reconnecting: true
        case .connected, .closed: false
        }
    }

    var isClosed: Bool {
        if case .closed = self.state { return true }
        return false
    }

    var current: Link? {
        if case .connected(let link) = self.state { return link }
        return nil
    }

    /// The link to write to, or why there is none.
    func link() throws(NATSError) -> Link {
        let reason = self.lastFailure.map { " (last: \($0))" } ?? ""
        switch self.state {
        case .connected(let link): return link
        case .connecting: throw NATSError(.closed, "NATS is not connected yet\(reason)")
        case .reconnecting: throw NATSError(.closed, "the NATS connection was lost; reconnecting\(reason)")
        case .closed(let error): throw error
        }
    }

    mutating func opened(_ link: Link) -> Opened {
        let reconnect: Bool
        switch self.state {
        case .connecting: reconnect = false
        case .reconnecting: reconnect = true
        case .connected, .closed: return .closeIt
        }
        self.state = .connected(link)
        self.lastFailure = nil
        self.failedRounds = 0
        self.wait = self.reconnectWait
        return .installed(reconnect: reconnect)
    }

    /// The link ended (`reason`). True when it was the current one: the client reconnects.
    mutating func lost(_ link: Link, reason: String? = nil, at now: ContinuousClock.Instant = .now) -> Bool {
        guard case .connected(let current) = self.state, current === link else { return false }
        self.state = .reconnecting(since: now)
        self.lastFailure = reason
        return true
    }

    /// One server refused (`reason`): remembered for the errors callers get meanwhile.
    mutating func attemptFailed(_ reason: String) {
        self.lastFailure = reason
    }

    /// Every server refused in one round. `jitter` in 0...1 spreads the wait between half of
    /// it and all of it, so replicas do not reconnect in step; the wait doubles per round up
    /// to `maxReconnectWait`.
    mutating func roundFailed(jitter: Double) -> AfterRound {
        guard self.wantsConnection else { return .stop }
        self.failedRounds += 1
        if let limit = self.maxAttempts, self.failedRounds >= limit {
            let error = NATSError(.connectionFailed, "gave up connecting to NATS after \(self.failedRounds) rounds")
            self.state = .closed(error)
            return .giveUp(error)
        }
        let delay = self.wait * (0.5 + 0.5 * min(max(jitter, 0), 1))
        self.wait = min(self.wait * 2, self.maxReconnectWait)
        return .retry(after: delay)
    }

    /// Closes the client; returns the link to flush and close, if one is current.
    mutating func close() -> Link? {
        defer { self.state = .closed(NATSError(.closed, "the NATS client was closed")) }
        return self.current
    }
}
