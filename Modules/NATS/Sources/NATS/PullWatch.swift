import Synchronization

/// The clock of one pull: its deadline (`expires` and 2 s of grace) and, when the pull asked
/// for an idle heartbeat, whether something (a message or a heartbeat) came within two
/// heartbeats.
final class PullWatch: Sendable {
    let deadline: ContinuousClock.Instant
    let heartbeat: Duration?
    private let lastArrival: Mutex<ContinuousClock.Instant>
    private let lostAfter = Mutex<Duration?>(nil)

    init(expires: Duration, heartbeat: Duration?, now: ContinuousClock.Instant = .now) {
        self.deadline = now + expires + .seconds(2)
        self.heartbeat = heartbeat
        self.lastArrival = Mutex(now)
    }

    /// A message or a status arrived.
    func arrived(at now: ContinuousClock.Instant = .now) {
        self.lastArrival.withLock { $0 = now }
    }

    /// Set when the heartbeats stopped: how long nothing came.
    var lost: Duration? { self.lostAfter.withLock { $0 } }

    /// Whether the pull is over at `now`: `.deadline`, `.silent` (two heartbeats missed), or nil.
    func check(at now: ContinuousClock.Instant) -> Ending? {
        if now >= self.deadline { return .deadline }
        guard let heartbeat else { return nil }
        let silence = now - self.lastArrival.withLock { $0 }
        guard silence > heartbeat * 2 else { return nil }
        self.lostAfter.withLock { $0 = silence }
        return .silent
    }

    enum Ending: Equatable {
        case deadline
        case silent
    }

    /// Waits until the pull is over (nil when cancelled first).
    func watch() async -> Ending? {
        let step = self.heartbeat.map { $0 / 2 } ?? .milliseconds(500)
        while (try? await Task.sleep(for: step)) != nil {
            if let ending = self.check(at: .now) { return ending }
        }
        return nil
    }
}
