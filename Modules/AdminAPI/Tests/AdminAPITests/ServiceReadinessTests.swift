import Coordination
import EventTypes
import Synchronization
import Testing

@testable import AdminAPI

@Suite("Readiness of the worker's dependencies")
struct ServiceReadinessTests {
    /// An event source that reports what the test sets.
    final class Source: RouterEventSource {
        let problem = Mutex<String?>(nil)
        let warning = Mutex<String?>(nil)
        func fetch(batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void) async throws
            -> Int
        { 0 }
        func require(subjects: [String]) async {}
        func close() async {}
        func readinessProblem() async -> String? { self.problem.withLock { $0 } }
        func readinessWarning() async -> String? { self.warning.withLock { $0 } }
    }

    final class Feed: ChangeFeed {
        let listening = Mutex(false)
        var isListening: Bool { self.listening.withLock { $0 } }
        func retryNow() {}
        func listen(onChange: @escaping @Sendable (String?) async -> Void) async {}
    }

    struct Refused: Error {}

    @Test("every check runs; a failure is described, a hang is cut at the timeout, the source's problem is nats")
    func failures() async {
        let source = Source()
        source.problem.withLock { $0 = "stream S is missing" }
        let startup = StartupGate()
        startup.open()
        let readiness = ServiceReadiness(
            checks: [
                "postgres": { throw Refused() },
                "temporal": { try await Task.sleep(for: .seconds(30)) },
                "extra": {},
            ],
            events: source, feed: nil, startup: startup, timeout: .milliseconds(200),
            describe: { error in error is Refused ? "connection refused" : "\(error)" })
        // The hung check is reported as timed out (had the timeout not fired, it would have
        // ended without error after 30 s and not be listed).
        let failures = await readiness.failures()
        #expect(
            failures == [
                "postgres": "connection refused", "temporal": "no answer within 200 ms", "nats": "stream S is missing",
            ])
    }

    @Test("a down change feed is a warning once the startup work is done, never a failure")
    func warnings() async {
        let source = Source()
        source.warning.withLock { $0 = "events on a.b are not routed" }
        let feed = Feed()
        let startup = StartupGate()
        let readiness = ServiceReadiness(checks: [:], events: source, feed: feed, startup: startup)
        #expect(await readiness.warnings() == ["nats: events on a.b are not routed"])
        #expect(await readiness.failures() == ["startup": "migrations and the startup sync are still running"])
        startup.open()
        let warnings = await readiness.warnings()
        #expect(warnings.count == 2)
        #expect(warnings.last?.hasPrefix("postgres: the router's LISTEN connection is down") == true)
        #expect(await readiness.failures().isEmpty)
        feed.listening.withLock { $0 = true }
        #expect(await readiness.warnings() == ["nats: events on a.b are not routed"])
    }
}
