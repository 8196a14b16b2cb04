/// A NATS failure with a code and a message that never contains credentials.
public struct NATSError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidConfiguration
        case connectionFailed
        case closed
        case timeout
        case noResponders
        case serverError
        case protocolError
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
