import Definitions
import Foundation

/// Runs one kind of action with the run document; throws `ActionError` on failure.
public protocol ActionExecutor: Sendable {
    func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue
}

/// An action failure: retryable (the attempt failed, the policy may retry) or not (the
/// action cannot work as configured).
public struct ActionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var retryable: Bool

    public init(_ message: String, retryable: Bool) {
        self.message = message
        self.retryable = retryable
    }

    public var description: String { self.message }
}
