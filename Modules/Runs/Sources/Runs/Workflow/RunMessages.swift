import Definitions
import Foundation

/// What the workflow hands the `PrepareRun` activity.
struct PrepareInput: Sendable, Hashable, Codable {
    var run: RunInput
    var workflowID: String
    var runID: String
    var scheduledTime: Date?

    enum CodingKeys: String, CodingKey {
        case run
        case workflowID = "workflow_id"
        case runID = "run_id"
        case scheduledTime = "scheduled_time"
    }
}

/// What `PrepareRun` decided from the definition as stored at activity time.
struct PreparedRun: Sendable, Hashable, Codable {
    var skip: Bool
    var reason: String?
    var activityID: String
    var workflowID: String
    var runID: String
    /// The run document handed to the action, without `attempt` (set per attempt).
    var document: JSONValue
    var action: ActivityAction?

    enum CodingKeys: String, CodingKey {
        case skip, reason
        case activityID = "activity_id"
        case workflowID = "workflow_id"
        case runID = "run_id"
        case document, action
    }
}

/// What the workflow hands `FinishRun`.
struct FinishInput: Sendable, Hashable, Codable {
    var activityID: String
    var workflowID: String
    var runID: String
    var status: RunRecord.Status
    var error: String?
    /// The run's trigger, for a run FinishRun records itself (its PrepareRun failed first).
    var trigger: String?

    enum CodingKeys: String, CodingKey {
        case activityID = "activity_id"
        case workflowID = "workflow_id"
        case runID = "run_id"
        case status, error, trigger
    }
}

/// JSON helpers for the activity payloads.
enum RunJSON {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // The run messages hold strings, numbers, dates and JSONValue: encoding cannot fail.
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: data)
    }
}
