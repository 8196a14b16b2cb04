import Testing

@testable import NATS

@Suite("NATS connection lifecycle, without I/O")
struct NATSConnectionLifecycleTests {
    final class Link: Sendable {}

    static func lifecycle(maxAttempts: Int? = nil) -> NATSConnectionLifecycle<Link> {
        NATSConnectionLifecycle(
            reconnectWait: .milliseconds(100), maxReconnectWait: .milliseconds(500), maxAttempts: maxAttempts)
    }

    @Test("connect, lose, reconnect: a reconnect is told apart from the first connection")
    func connectLoseReconnect() throws {
        var lifecycle = Self.lifecycle()
        #expect(lifecycle.wantsConnection)
        #expect(throws: NATSError.self) { try lifecycle.link() }
        let first = Link()
        let r1 = lifecycle.opened(first)
        #expect(r1 == .installed(reconnect: false))
        #expect(try lifecycle.link() === first)
        let r2 = lifecycle.lost(first)
        #expect(r2)
        #expect(lifecycle.wantsConnection)
        #expect((try? lifecycle.link()) == nil)
        let second = Link()
        let r3 = lifecycle.opened(second)
        #expect(r3 == .installed(reconnect: true))
        #expect(try lifecycle.link() === second)
    }

    @Test("a link that is not the current one ending changes nothing")
    func staleLoss() {
        var lifecycle = Self.lifecycle()
        let (old, current) = (Link(), Link())
        _ = lifecycle.opened(old)
        _ = lifecycle.lost(old)
        _ = lifecycle.opened(current)
        let r4 = lifecycle.lost(old)
        #expect(!r4)
        #expect(lifecycle.current === current)
    }

    @Test(
        "the wait doubles per failed round up to the maximum, jittered between half and all of it; a connection resets it"
    )
    func backoff() {
        var lifecycle = Self.lifecycle()
        let r5 = lifecycle.roundFailed(jitter: 1)
        #expect(r5 == .retry(after: .milliseconds(100)))
        let r6 = lifecycle.roundFailed(jitter: 0)
        #expect(r6 == .retry(after: .milliseconds(100)))
        let r7 = lifecycle.roundFailed(jitter: 1)
        #expect(r7 == .retry(after: .milliseconds(400)))
        let r8 = lifecycle.roundFailed(jitter: 1)
        #expect(r8 == .retry(after: .milliseconds(500)))
        let r9 = lifecycle.roundFailed(jitter: 1)
        #expect(r9 == .retry(after: .milliseconds(500)))
        let link = Link()
        _ = lifecycle.opened(link)
        _ = lifecycle.lost(link)
        let r10 = lifecycle.roundFailed(jitter: 1)
        #expect(r10 == .retry(after: .milliseconds(100)))
    }

    @Test("after maxAttempts failed rounds it gives up and is closed with the reason")
    func givesUp() throws {
        var lifecycle = Self.lifecycle(maxAttempts: 2)
        let r11 = lifecycle.roundFailed(jitter: 0.5)
        #expect(r11 == .retry(after: .milliseconds(75)))
        let outcome = lifecycle.roundFailed(jitter: 0.5)
        guard case .giveUp(let error) = outcome else {
            Issue.record("expected to give up")
            return
        }
        #expect(error.code == .connectionFailed)
        #expect(lifecycle.isClosed)
        let r12 = lifecycle.roundFailed(jitter: 0.5)
        #expect(r12 == .stop)
        #expect(throws: error) { try lifecycle.link() }
    }

    @Test("closed while a link was opening: the new link is closed, not installed")
    func closedMeanwhile() {
        var lifecycle = Self.lifecycle()
        let link = Link()
        _ = lifecycle.opened(link)
        let r13 = lifecycle.close()
        #expect(r13 === link)
        let r14 = lifecycle.opened(Link())
        #expect(r14 == .closeIt)
        let r15 = lifecycle.lost(link)
        #expect(!r15)
        let r16 = lifecycle.roundFailed(jitter: 0)
        #expect(r16 == .stop)
        let r17 = lifecycle.close()
        #expect(r17 == nil)
    }

    @Test("while there is no connection, callers are told the last reason")
    func lastReason() throws {
        var lifecycle = Self.lifecycle()
        lifecycle.attemptFailed("127.0.0.1:4222: Authorization Violation")
        #expect(throws: NATSError.self) { try lifecycle.link() }
        do {
            _ = try lifecycle.link()
        } catch {
            #expect(error.message == "NATS is not connected yet (last: 127.0.0.1:4222: Authorization Violation)")
        }
        let link = Link()
        _ = lifecycle.opened(link)
        let lost = lifecycle.lost(link, reason: "connection reset by peer")
        #expect(lost)
        do {
            _ = try lifecycle.link()
        } catch {
            #expect(error.message == "the NATS connection was lost; reconnecting (last: connection reset by peer)")
        }
    }
}
