/// A 64-bit key for `pg_advisory_lock`, derived from a name with FNV-1a so that it is the
/// same in every process and release (Swift's `Hasher` is seeded per process).
public struct AdvisoryLockKey: Sendable, Hashable {
    public let value: Int64

    public init(_ name: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        self.value = Int64(bitPattern: hash)
    }

    /// The key serialising migrations of one schema.
    public static func migrations(schema: String) -> Self { Self("activity-core:\(schema):migrations") }
    /// The key serialising syncs against one schema, across every replica.
    public static func sync(schema: String) -> Self { Self("activity-core:\(schema):sync") }
    /// The key letting one replica at a time reconcile the runs of one schema.
    public static func runReconcile(schema: String) -> Self { Self("activity-core:\(schema):run-reconcile") }
}
