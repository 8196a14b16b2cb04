import Definitions
import Foundation

/// The schedule one cron definition should have in Temporal (CONTRACT section 4): a pure
/// projection of the stored definition, hashed so that a sync can tell "unchanged" without
/// reading the schedule back (Temporal never returns the cron text).
public struct DesiredSchedule: Sendable, Hashable, Codable {
    public var scheduleID: String
    public var activityID: String
    public var cronExpression: String
    public var timezone: String
    public var jitterSeconds: Int
    public var overlap: OverlapPolicy
    public var catchupWindowSeconds: Int
    /// Disabled definitions keep a paused schedule.
    public var paused: Bool
    public var workflowType: String
    public var workflowID: String
    public var taskQueue: String
    /// The single `json/plain` payload of the workflow start.
    public var input: JSONValue
    /// Written at creation only: Temporal cannot update a memo.
    public var memo: [String: String]

    public init(
        scheduleID: String,
        activityID: String,
        cronExpression: String,
        timezone: String,
        jitterSeconds: Int,
        overlap: OverlapPolicy,
        catchupWindowSeconds: Int,
        paused: Bool,
        workflowType: String,
        workflowID: String,
        taskQueue: String,
        input: JSONValue,
        memo: [String: String]
    ) {
        self.scheduleID = scheduleID
        self.activityID = activityID
        self.cronExpression = cronExpression
        self.timezone = timezone
        self.jitterSeconds = jitterSeconds
        self.overlap = overlap
        self.catchupWindowSeconds = catchupWindowSeconds
        self.paused = paused
        self.workflowType = workflowType
        self.workflowID = workflowID
        self.taskQueue = taskQueue
        self.input = input
        self.memo = memo
    }

    /// SHA-256 of the spec, action and policies an update writes. Left out: the memo (never
    /// updated, so it must not make a schedule look changed) and the pause state (compared
    /// with what the list says, and changed by pause/unpause, not by an update). The hashed
    /// bytes are the JSON `JSONEncoder` writes (sorted keys) with memo empty and paused false,
    /// as the hashes stored by earlier versions were; written without an encoder.
    public var specHash: String {
        SHA256Hex.of(self.hashedJSON())
    }

    /// The bytes `specHash` hashes.
    func hashedJSON() -> [UInt8] {
        var writer = CanonicalJSONWriter()
        let written = writer.object(Self.hashedKeys) { writer, key in
            switch key {
            case "activityID": writer.string(self.activityID)
            case "catchupWindowSeconds": writer.integer(self.catchupWindowSeconds)
            case "cronExpression": writer.string(self.cronExpression)
            case "input": return writer.write(self.input)
            case "jitterSeconds": writer.integer(self.jitterSeconds)
            case "memo": _ = writer.object([]) { _, _ in true }
            case "overlap": writer.string(self.overlap.rawValue)
            case "paused": writer.bool(false)
            case "scheduleID": writer.string(self.scheduleID)
            case "taskQueue": writer.string(self.taskQueue)
            case "timezone": writer.string(self.timezone)
            case "workflowID": writer.string(self.workflowID)
            default: writer.string(self.workflowType)
            }
            return true
        }
        if written { return writer.bytes }
        // A number with a fraction in the input: the encoder's own formatting.
        var copy = self
        copy.memo = [:]
        copy.paused = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A struct of strings, numbers and JSONValue always encodes.
        return Array((try? encoder.encode(copy)) ?? Data())
    }

    static let hashedKeys = [
        "activityID", "catchupWindowSeconds", "cronExpression", "input", "jitterSeconds", "memo", "overlap", "paused",
        "scheduleID", "taskQueue", "timezone", "workflowID", "workflowType",
    ]
}
