import Synchronization
import Testing

@testable import Postgres

@Suite("The sync lock over a fake session")
struct PostgresSyncLockTests {
    /// Records the statements; `held` says whether another session holds the lock.
    final class FakeSessions: AdvisoryLockSessions, AdvisoryLockSession {
        let calls = Mutex<[String]>([])
        let held: Bool
        let unlockFails: Bool

        init(held: Bool = false, unlockFails: Bool = false) {
            self.held = held
            self.unlockFails = unlockFails
        }

        func withSession<Result: Sendable>(_ body: @Sendable (any AdvisoryLockSession) async throws -> Result)
            async throws -> Result
        {
            self.calls.withLock { $0.append("session") }
            defer { self.calls.withLock { $0.append("released") } }
            return try await body(self)
        }

        func tryLock(_ key: Int64) async throws -> Bool {
            self.calls.withLock { $0.append("try \(key)") }
            return !self.held
        }

        func unlock(_ key: Int64) async throws {
            self.calls.withLock { $0.append("unlock \(key)") }
            if self.unlockFails { throw DatabaseError(.queryFailed, "connection reset") }
        }
    }

    struct SyncFailed: Error {}

    @Test("taken: the body runs between the lock and the unlock, on one session")
    func taken() async throws {
        let sessions = FakeSessions()
        let result = try await PostgresSyncLock(sessions: sessions, key: 42).withLockIfAvailable {
            sessions.calls.withLock { $0.append("body") }
            return 7
        }
        #expect(result == 7)
        #expect(sessions.calls.withLock { $0 } == ["session", "try 42", "body", "unlock 42", "released"])
    }

    @Test("held elsewhere: nil at once, the body never runs, nothing to unlock")
    func busy() async throws {
        let sessions = FakeSessions(held: true)
        let result = try await PostgresSyncLock(sessions: sessions, key: 42).withLockIfAvailable {
            sessions.calls.withLock { $0.append("body") }
            return 7
        }
        #expect(result == nil)
        #expect(sessions.calls.withLock { $0 } == ["session", "try 42", "released"])
    }

    @Test("a sync that throws still unlocks, and its error is the one thrown")
    func throwingBody() async throws {
        let sessions = FakeSessions(unlockFails: true)
        await #expect(throws: SyncFailed.self) {
            _ = try await PostgresSyncLock(sessions: sessions, key: 1).withLockIfAvailable { () -> Int in
                throw SyncFailed()
            }
        }
        #expect(sessions.calls.withLock { $0 } == ["session", "try 1", "unlock 1", "released"])
    }

    @Test("an unlock that fails after a good sync is an error, not a silent success")
    func unlockFails() async throws {
        let sessions = FakeSessions(unlockFails: true)
        await #expect(throws: DatabaseError.self) {
            _ = try await PostgresSyncLock(sessions: sessions, key: 1).withLockIfAvailable { 1 }
        }
        #expect(sessions.calls.withLock { $0 }.last == "released")
    }
}
