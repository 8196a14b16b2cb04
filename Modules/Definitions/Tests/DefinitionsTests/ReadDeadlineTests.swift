import Foundation
import Synchronization
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
        stuck.record(reading, root: "/r")
        #expect(stuck.reading(of: "/r") === reading)
        #expect(stuck.reading(of: "/s") == nil)
        // The thread returns (before or after the record: it is asked at lookup).
        #expect(!reading.finish(Self.root("/r")))
        #expect(stuck.reading(of: "/r") == nil)
    }

    /// Reads files as the loader does, except that a file whose name contains "held" blocks
    /// until `release()`: a file system that stops answering, within one process.
    final class HeldReader: Sendable {
        private let state = Mutex((released: false, reads: [String]()))
        private let gate = DispatchSemaphore(value: 0)

        var reads: [String] { self.state.withLock { $0.reads } }

        func read(_ path: String, _ maxBytes: Int) -> Result<RegularFile.Contents, RegularFile.Failure> {
            let released = self.state.withLock { state in
                state.reads.append(URL(fileURLWithPath: path).lastPathComponent)
                return state.released
            }
            if !released && path.contains("held") {
                self.gate.wait()
                self.gate.signal()
            }
            return RegularFile.contents(atPath: path, maxBytes: maxBytes)
        }

        func release() {
            self.state.withLock { $0.released = true }
            self.gate.signal()
        }
    }

    @Test(
        "a read that does not return: its root is given up at the deadline, located at the file, read again only once it returns"
    )
    func givenUpRoot() async throws {
        let held = try TemporaryTree()
        let other = try TemporaryTree()
        defer {
            held.remove()
            other.remove()
        }
        try held.write("a.yaml", DocumentSyncPlanTests.cron("a"))
        try held.write("held.yaml", DocumentSyncPlanTests.cron("held"))
        try other.write("b.yaml", DocumentSyncPlanTests.cron("b"))
        let reader = HeldReader()
        let cache = ParseCache()
        let loader = DefinitionLoader(
            cache: cache, limits: DefinitionLimits(readTimeout: .milliseconds(300)), reader: reader.read)

        let start = ContinuousClock.now
        let first = loader.load(roots: [held.path, other.path])
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(10), "\(elapsed)")
        let root = try #require(first.roots.first)
        #expect(root.identity == URL(fileURLWithPath: held.path).standardizedFileURL.path)
        #expect(root.files.isEmpty)
        #expect(root.issues.map(\.code) == [.readTimeout])
        #expect(root.issues.first?.location == SourceLocation(path: held.path + "/held.yaml"))
        #expect(root.issues.first?.message.hasPrefix("reading this path did not finish within 0.3 s") == true)
        #expect(first.roots.last?.files.map(\.relativePath) == ["b.yaml"])
        // What the given-up root parsed stays out of the cache.
        #expect(cache.lastLoad == ParseCache.Counts(hits: 0, misses: 1))
        #expect(cache.count == 1)
        // Nothing stored from the given-up root is retired.
        let stored = try DeletionGuardTests.stored("a", path: "a.yaml", root: root.identity)
        #expect(DocumentSyncPlan<ActivityDefinition>(load: first, stored: [stored]).changes.retirements.isEmpty)

        // While the read is blocked, the root is reported at once and not read again.
        let readsBefore = reader.reads
        let again = ContinuousClock.now
        let second = loader.load(roots: [held.path, other.path])
        #expect(ContinuousClock.now - again < .milliseconds(300))
        #expect(
            second.roots.first?.issues.first?.message.contains("an earlier read of this path has not returned") == true)
        #expect(second.roots.first?.issues.first?.location.path == held.path + "/held.yaml")
        #expect(reader.reads == readsBefore + ["b.yaml"])

        // Once it returns, the next load reads the root; the late result was dropped.
        reader.release()
        for _ in 0..<100 where loader.stuckReads.reading(of: held.path) != nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        let third = loader.load(roots: [held.path, other.path])
        #expect(third.roots.first?.isComplete == true)
        #expect(third.roots.first?.files.map(\.relativePath) == ["a.yaml", "held.yaml"])
        #expect(cache.lastLoad == ParseCache.Counts(hits: 1, misses: 2))
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
