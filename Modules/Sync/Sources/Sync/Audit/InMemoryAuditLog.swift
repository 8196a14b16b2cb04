import Synchronization

/// An audit log in memory: the twin of the PostgreSQL one, for tests.
public final class InMemoryAuditLog: AuditLog {
    let entries = Mutex<[AuditEntry]>([])

    public init() {}

    public func record(_ entry: AuditEntry) async throws {
        self.entries.withLock { $0.append(entry) }
    }

    public func recent(limit: Int) async throws -> [AuditEntry] {
        self.entries.withLock { Array($0.suffix(limit).reversed()) }
    }
}
