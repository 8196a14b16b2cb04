import Synchronization

/// Applied spec hashes in memory, for unit tests.
public final class InMemoryAppliedScheduleStore: AppliedScheduleStore {
    private let hashes = Mutex<[String: String]>([:])

    public init() {}

    public func appliedHashes() async throws -> [String: String] {
        self.hashes.withLock { $0 }
    }

    public func recordApplied(scheduleID: String, specHash: String) async throws {
        self.hashes.withLock { $0[scheduleID] = specHash }
    }

    public func removeApplied(scheduleID: String) async throws {
        _ = self.hashes.withLock { $0.removeValue(forKey: scheduleID) }
    }
}
