/// The one shape of activity-core's errors (`NATSError`, `TemporalError`, `DatabaseError`,
/// `ScheduleServiceError`): a stable code callers and tests match, a message for operators
/// that never holds a secret, and the underlying error kept as a value (`cause`), so that
/// nothing about it is lost by turning it into text.
public struct CodedError<Code: ErrorCode>: Error, CustomStringConvertible {
    public var code: Code
    public var message: String
    /// What went wrong underneath (a gRPC, PostgreSQL or socket error), if anything.
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { self.message }

    /// The first error of type `T` down the chain of causes (this one included).
    public func underlying<T: Error>(_ type: T.Type) -> T? {
        var next: (any Error)? = self
        while let current = next {
            if let match = current as? T { return match }
            next = (current as? any CodedFailure)?.causeValue
        }
        return nil
    }
}

/// An error code: a stable string (its raw value) for logs, JSON and tests.
public protocol ErrorCode: RawRepresentable, Sendable, Hashable where RawValue == String {}

/// Any `CodedError`, whatever its code type: what the CLI prints (`message (code)`) and what
/// `underlying(_:)` walks across error types with.
public protocol CodedFailure: Error {
    var codeName: String { get }
    var message: String { get }
    var causeValue: (any Error)? { get }
}

extension CodedError: CodedFailure {
    public var codeName: String { self.code.rawValue }
    public var causeValue: (any Error)? { self.cause }
}

/// Equal when code and message are; the cause is context, not identity.
extension CodedError: Equatable, Hashable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.message)
    }
}
