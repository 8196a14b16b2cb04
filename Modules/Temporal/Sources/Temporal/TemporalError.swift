/// A Temporal failure with a code the callers act on and a message for operators.
public struct TemporalError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidConfiguration
        case unavailable
        case alreadyExists
        case notFound
        case invalidArgument
        case resourceExhausted
        case deadlineExceeded
        case cancelled
        case permissionDenied
        case failedPrecondition
        /// A message over gRPC's size limit (either side): sending it again cannot help.
        case messageTooLarge
        case other
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }

    /// True for failures worth retrying with backoff.
    public var isTransient: Bool {
        self.code == .unavailable || self.code == .resourceExhausted
    }
}
