import CodedErrors

/// A failure of a schedule operation, with a code the sync can act on, and the cause.
public typealias ScheduleServiceError = CodedError<ScheduleServiceErrorCode>

public enum ScheduleServiceErrorCode: String, ErrorCode {
    case alreadyExists
    case notFound
    case invalidArgument
    case unavailable
    case conflict
    case failed
}
