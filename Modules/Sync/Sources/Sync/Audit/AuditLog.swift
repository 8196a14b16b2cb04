/// Where audit entries are kept (PostgreSQL in the worker).
public protocol AuditLog: Sendable {
    func record(_ entry: AuditEntry) async throws
    /// The newest `limit` entries, newest first.
    func recent(limit: Int) async throws -> [AuditEntry]
}
