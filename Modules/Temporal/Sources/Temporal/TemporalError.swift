import CodedErrors

/// A Temporal failure: a code the callers act on, a message for operators, and the cause
/// (the gRPC error).
public typealias TemporalError = CodedError<TemporalErrorCode>

public enum TemporalErrorCode: String, ErrorCode {
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

extension CodedError where Code == TemporalErrorCode {
    /// True for failures worth retrying with backoff.
    public var isTransient: Bool {
        self.code == .unavailable || self.code == .resourceExhausted
    }
}
