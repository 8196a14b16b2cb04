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
    /// The server stopped answering PINGs (or a write could not be sent): the connection is
    /// replaced.
    case stale
    /// A pull found no consumer (deleted, or its stream deleted): it is created again.
    case consumerMissing
    /// A message larger than the server's `max_payload`: not sent, the connection stays.
    case payloadTooLarge
}
