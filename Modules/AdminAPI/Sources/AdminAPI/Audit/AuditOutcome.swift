import Definitions
import Synchronization

/// What a changing admin request's handler reports for the audit (the middleware that writes
/// the entry runs around the handler and reads it afterwards).
public final class AuditOutcome: Sendable {
    let value = Mutex<JSONValue>(.null)

    public init() {}

    public func set(_ outcome: JSONValue) {
        self.value.withLock { $0 = outcome }
    }

    var current: JSONValue { self.value.withLock { $0 } }
}
