import Foundation
import Testing

@testable import Definitions

/// The watcher's side of the read deadline: when a root's reading counts as stuck, and that a
/// given-up root is neither read again nor let into the result once its reading returns. (A real
/// file system that stops answering is in the integration tests, on a FUSE mount.)
@Suite("Read deadline")
struct ReadDeadlineTests {
    static func root(_ path: String) -> RootReading.Outcome {
        RootReading.Outcome(root: LoadedRoot(root: path, identity: path), used: [:], counts: .init())
    }

    @Test("only a reading at one path for longer than the deadline is stuck; parsing is not")
    func stuckOnlyAtOnePath() throws {
        let reading = RootReading(at: "/r")
        reading.startParsing()
        let start = ContinuousClock.now
        guard case .reading(let idle) = reading.check(timeout: .seconds(2), now: start + .seconds(60)) else {
            Issue.record("a reading that parses is never stuck")
            return
        }
        #expect(idle == start + .seconds(62))
        reading.move(to: "/r/a.yaml")
        let since = try #require(reading.position?.since)
        guard case .reading(let deadline) = reading.check(timeout: .seconds(2), now: since + .seconds(1)) else {
            Issue.record("1 s at one path is within a deadline of 2 s")
            return
        }
        #expect(deadline == since + .seconds(2))
        guard case .stuck(let position) = reading.check(timeout: .seconds(2), now: since + .seconds(2)) else {
            Issue.record("2 s at one path reach a deadline of 2 s")
            return
        }
        #expect(position.path == "/r/a.yaml")
        // The thread returns later: what it yields is dropped.
        #expect(!reading.finish(Self.root("/r")))
        guard case .stuck = reading.check(timeout: .seconds(2), now: since + .seconds(3)) else {
            Issue.record("a given-up reading stays given up")
            return
        }
    }

    @Test("a reading that finished in time yields its root, whatever the clock says afterwards")
    func finished() {
        let reading = RootReading(at: "/r")
        reading.move(to: "/r/a.yaml")
        #expect(reading.finish(Self.root("/r")))
        guard case .finished(let outcome) = reading.check(timeout: .seconds(1), now: .now + .seconds(3_600)) else {
            Issue.record("expected the finished root")
            return
        }
        #expect(outcome.root.root == "/r")
    }

    @Test("a stuck root is remembered until its reading returns, whenever that is")
    func stuckReads() {
        let stuck = StuckReads()
        let reading = RootReading(at: "/r")
        guard case .stuck = reading.check(timeout: .zero) else {
            Issue.record("no time at all at one path is past a zero deadline")
            return
        }
        stuck.record(reading, identity: "/r")
        #expect(stuck.reading(of: "/r") === reading)
        #expect(stuck.reading(of: "/s") == nil)
        // The thread returns (before or after the record: it is asked at lookup).
        #expect(!reading.finish(Self.root("/r")))
        #expect(stuck.reading(of: "/r") == nil)
    }

    @Test("many roots load in parallel threads and come back in the order given, cache counts summed")
    func manyRoots() throws {
        let trees = try (0..<6).map { index in
            let tree = try TemporaryTree()
            try tree.write("d\(index).yaml", DocumentSyncPlanTests.cron("d\(index)"))
            return tree
        }
        defer {
            for tree in trees { tree.remove() }
        }
        let cache = ParseCache()
        let loader = DefinitionLoader(cache: cache)
        let paths = trees.map(\.path) + ["/no/such/root"]
        let first = loader.load(roots: paths)
        #expect(first.roots.map(\.root) == paths)
        #expect(first.roots.dropLast().map { $0.files.map(\.relativePath) } == (0..<6).map { ["d\($0).yaml"] })
        #expect(first.roots.last?.issues.map(\.code) == [.missingRoot])
        #expect(cache.lastLoad == ParseCache.Counts(hits: 0, misses: 6))
        let second = loader.load(roots: paths)
        #expect(second == first)
        #expect(cache.lastLoad == ParseCache.Counts(hits: 6, misses: 0))
        #expect(cache.count == 6)
    }
}
