/// A failure of a schedule operation, with a code the sync can act on.
public struct ScheduleServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case alreadyExists
        case notFound
        case invalidArgument
        case unavailable
        case conflict
        case failed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { self.message }
}
