import Foundation
import Workflows

/// How a local activity ended, as the worker records it in the history: a `RecordMarker`
/// command named `activity-core/local-activity`, with the activity's ID, type, attempts and
/// result (`json/plain` payloads) in its details, or its failure in the marker's failure.
/// Replays read the marker back (`init?(_:eventID:)`) instead of running the activity again.
struct LocalActivityMarker: Sendable, Hashable {
    static let name = "activity-core/local-activity"

    var activityID: String
    var activityType: String
    /// Attempts made locally.
    var attempts: Int
    var outcome: ActivityOutcome

    var command: Temporal_Api_Command_V1_Command {
        var attributes = Temporal_Api_Command_V1_RecordMarkerCommandAttributes()
        attributes.markerName = Self.name
        attributes.details["activity_id"] = Self.payloads(Self.json(self.activityID))
        attributes.details["activity_type"] = Self.payloads(Self.json(self.activityType))
        attributes.details["attempts"] = Self.payloads(Data("\(self.attempts)".utf8))
        switch self.outcome {
        case .completed(let result):
            if let result { attributes.details["result"] = Self.payloads(result) }
        case .failed(let message, let type):
            attributes.failure = .application(message: message, type: type, nonRetryable: true)
        case .canceled:
            attributes.failure = .application(message: "cancelled", type: "Canceled", nonRetryable: true)
        }
        var command = Temporal_Api_Command_V1_Command()
        command.commandType = .recordMarker
        command.recordMarkerCommandAttributes = attributes
        return command
    }

    /// The marker as the workflow reads it.
    func event(id: Int64) -> WorkflowEvent {
        .localActivityRecorded(eventID: id, activityID: self.activityID, outcome: self.outcome)
    }

    /// A recorded marker of ours; nil for any other marker or one without an activity ID.
    init?(_ marker: Temporal_Api_History_V1_MarkerRecordedEventAttributes) {
        guard marker.markerName == Self.name,
            let id = marker.details["activity_id"]?.payloads.first,
            let activityID = try? JSONPayload.decode(String.self, from: id)
        else { return nil }
        self.activityID = activityID
        self.activityType =
            marker.details["activity_type"]?.payloads.first.flatMap { try? JSONPayload.decode(String.self, from: $0) }
            ?? activityID
        self.attempts =
            marker.details["attempts"]?.payloads.first.flatMap { try? JSONPayload.decode(Int.self, from: $0) } ?? 1
        if marker.hasFailure {
            let type = marker.failure.applicationFailureInfo.type
            self.outcome =
                type == "Canceled"
                ? .canceled : .failed(message: marker.failure.message, type: type.isEmpty ? "ActivityError" : type)
        } else {
            self.outcome = .completed(marker.details["result"]?.payloads.first?.data)
        }
    }

    init(activityID: String, activityType: String, attempts: Int, outcome: ActivityOutcome) {
        self.activityID = activityID
        self.activityType = activityType
        self.attempts = attempts
        self.outcome = outcome
    }

    private static func json(_ text: String) -> Data {
        (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    }

    private static func payloads(_ data: Data) -> Temporal_Api_Common_V1_Payloads {
        var payloads = Temporal_Api_Common_V1_Payloads()
        payloads.payloads = [JSONPayload.raw(data)]
        return payloads
    }
}
