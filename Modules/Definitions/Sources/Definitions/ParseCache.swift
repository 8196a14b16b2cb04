import Synchronization

/// Parsed files by their exact text and path, kept between loads of one process: a sync
/// that finds a file as it was does not parse it again. Parsing is a pure function of the
/// text and the path, so a hit is the same result a parse would give. Each load keeps only
/// the entries it used, so edited and removed files do not pile up.
public final class ParseCache: Sendable {
    struct Key: Hashable, Sendable {
        var path: String
        var relativePath: String
        var text: String
    }

    /// Lookups of the last completed load.
    public struct Counts: Sendable, Hashable {
        public var hits = 0
        public var misses = 0
    }

    private struct State {
        var entries: [Key: ParsedFile] = [:]
        var last = Counts()
    }

    private let state = Mutex(State())

    public init() {}

    /// Hits and misses of the last completed load.
    public var lastLoad: Counts { self.state.withLock { $0.last } }

    /// Files held now.
    public var count: Int { self.state.withLock { $0.entries.count } }

    func entry(_ key: Key) -> ParsedFile? {
        self.state.withLock { $0.entries[key] }
    }

    /// Ends a load: keeps what it used (the cached and the newly parsed files) and nothing else.
    func finish(_ used: [Key: ParsedFile], counts: Counts) {
        self.state.withLock {
            $0.entries = used
            $0.last = counts
        }
    }
}
