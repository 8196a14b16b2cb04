import Synchronization

/// One root being read on a thread of its own, as its watcher sees it: the path it is at (a
/// folder listed, an entry looked at, a file opened or read) and since when, or that it is
/// parsing, and what it yielded.
///
/// Staying at one path past the read deadline (a hung network or FUSE mount) makes the
/// watcher give the root up; the thread is left to return whenever the kernel lets it, and
/// what it yields then is dropped.
final class RootReading: Sendable {
    /// What a finished thread yielded: the root, and its use of the parse cache.
    struct Outcome: Sendable {
        var root: LoadedRoot
        var used: [ParseCache.Key: ParsedFile]
        var counts: ParseCache.Counts
    }

    /// Where the reading is, since when.
    struct Position: Sendable {
        var path: String
        var since: ContinuousClock.Instant
    }

    enum Check {
        case finished(Outcome)
        /// Still reading; look again by `deadline` (or when signalled).
        case reading(deadline: ContinuousClock.Instant)
        /// At one path for longer than the deadline.
        case stuck(Position)
    }

    private struct State {
        /// Nil while parsing.
        var position: Position?
        var outcome: Outcome?
        /// Where the watcher gave the root up.
        var givenUp: Position?
        var returned = false
        /// The root's identity, once the thread has worked it out.
        var identity: String?
    }

    private let state: Mutex<State>

    /// A reading that starts at `path` (its root) now.
    init(at path: String) {
        self.state = Mutex(State(position: Position(path: path, since: .now)))
    }

    /// The reading moves on to `path`: the deadline counts from now.
    func move(to path: String) {
        self.state.withLock { $0.position = Position(path: path, since: .now) }
    }

    /// The reading parses what it read: not a file-system call, so not under the deadline.
    func startParsing() {
        self.state.withLock { $0.position = nil }
    }

    /// The thread has worked out the root's identity (the stored `source.root`).
    func identify(_ identity: String) {
        self.state.withLock { $0.identity = identity }
    }

    var identity: String? { self.state.withLock { $0.identity } }

    /// Records what the thread yielded; false when the watcher had given the root up.
    @discardableResult
    func finish(_ outcome: Outcome) -> Bool {
        self.state.withLock { state in
            state.position = nil
            state.returned = true
            guard state.givenUp == nil else { return false }
            state.outcome = outcome
            return true
        }
    }

    /// True once the thread is done, in time or not.
    var hasReturned: Bool { self.state.withLock { $0.returned } }

    /// Where the reading is, whatever its age; nil while it parses.
    var position: Position? { self.state.withLock { $0.position } }

    func check(timeout: Duration, now: ContinuousClock.Instant = .now) -> Check {
        self.state.withLock { state in
            if let outcome = state.outcome { return .finished(outcome) }
            if let givenUp = state.givenUp { return .stuck(givenUp) }
            guard let position = state.position else { return .reading(deadline: now + timeout) }
            if now - position.since >= timeout {
                state.givenUp = position
                return .stuck(position)
            }
            return .reading(deadline: position.since + timeout)
        }
    }
}
