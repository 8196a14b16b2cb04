/// The sync could not start: the lock itself was out of reach (database down).
public struct SyncServiceError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
