import Foundation

/// An activity implementation: JSON in, JSON out.
public protocol TemporalActivity: Sendable {
    /// The activity type name it handles.
    var name: String { get }
    func run(input: Data, context: ActivityContext) async throws -> Data
}

/// What an activity attempt knows about itself.
public struct ActivityContext: Sendable {
    public var workflowID: String
    public var runID: String
    public var activityID: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// The retry policy's maximum (0 = unlimited).
    public var maxAttempts: Int

    public init(workflowID: String, runID: String, activityID: String, attempt: Int, maxAttempts: Int) {
        self.workflowID = workflowID
        self.runID = runID
        self.activityID = activityID
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }

    /// True when no retry will follow a failure of this attempt.
    public var isLastAttempt: Bool { self.maxAttempts > 0 && self.attempt >= self.maxAttempts }
}

/// An activity failure with a type (matched against non-retryable types) and whether the
/// server may retry it.
public struct ActivityError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var type: String
    public var nonRetryable: Bool

    public init(_ message: String, type: String = "ActivityError", nonRetryable: Bool = false) {
        self.message = message
        self.type = type
        self.nonRetryable = nonRetryable
    }

    public var description: String { self.message }
}
