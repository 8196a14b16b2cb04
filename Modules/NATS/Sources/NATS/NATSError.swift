import CodedErrors

/// A NATS failure: a code, a message that never contains credentials, and the cause.
public typealias NATSError = CodedError<NATSErrorCode>

public enum NATSErrorCode: String, ErrorCode {
    case invalidConfiguration
    case connectionFailed
    case closed
    case timeout
    case noResponders
    case serverError
    case protocolError
}
