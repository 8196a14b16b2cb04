import Foundation
import SwiftProtobuf
import Workflows

extension WorkflowHistory {
    /// Builds the history of a workflow task from its (complete) list of events (public for
    /// replaying recorded histories, as the runs benchmark does).
    public init(
        execution: Temporal_Api_Common_V1_WorkflowExecution,
        workflowType: String,
        events protoEvents: [Temporal_Api_History_V1_HistoryEvent]
    ) {
        self.init(workflowID: execution.workflowID, runID: execution.runID, workflowType: workflowType)
        for event in protoEvents {
            switch event.attributes {
            case .workflowExecutionStartedEventAttributes(let started):
                self.input = started.input.payloads.first?.data
                if let payload = started.searchAttributes.indexedFields["TemporalScheduledStartTime"],
                    let text = try? JSONDecoder().decode(String.self, from: payload.data)
                {
                    self.scheduledTime = try? Date(text, strategy: .iso8601)
                }
            case .activityTaskScheduledEventAttributes(let scheduled):
                self.events.append(
                    .activityScheduled(
                        eventID: event.eventID, activityID: scheduled.activityID,
                        activityType: scheduled.activityType.name)
                )
            case .activityTaskCompletedEventAttributes(let completed):
                self.events.append(
                    .activityCompleted(
                        scheduledEventID: completed.scheduledEventID, result: completed.result.payloads.first?.data))
            case .activityTaskFailedEventAttributes(let failed):
                let type = failed.failure.applicationFailureInfo.type
                self.events.append(
                    .activityFailed(
                        scheduledEventID: failed.scheduledEventID, message: failed.failure.message,
                        type: type.isEmpty ? "ActivityError" : type)
                )
            case .activityTaskTimedOutEventAttributes(let timedOut):
                self.events.append(
                    .activityTimedOut(scheduledEventID: timedOut.scheduledEventID, message: timedOut.failure.message))
            case .activityTaskCanceledEventAttributes(let canceled):
                self.events.append(.activityCanceled(scheduledEventID: canceled.scheduledEventID))
            case .activityTaskCancelRequestedEventAttributes(let requested):
                self.events.append(.activityCancelRequested(scheduledEventID: requested.scheduledEventID))
            case .workflowExecutionCancelRequestedEventAttributes:
                self.events.append(.cancelRequested)
            case .markerRecordedEventAttributes(let marker):
                if let local = LocalActivityMarker(marker) { self.events.append(local.event(id: event.eventID)) }
            default:
                continue
            }
        }
    }
}

extension WorkflowCommand {
    /// The protobuf command; `identity` is not needed here, the namespace is implicit.
    var proto: Temporal_Api_Command_V1_Command {
        var command = Temporal_Api_Command_V1_Command()
        switch self {
        // A local activity reaches the server only when the worker gave up running it: then it
        // is a normal activity.
        case .scheduleActivity(let invocation), .runLocalActivity(let invocation):
            command.commandType = .scheduleActivityTask
            var attributes = Temporal_Api_Command_V1_ScheduleActivityTaskCommandAttributes()
            attributes.activityID = invocation.activityID
            attributes.activityType.name = invocation.activityType
            attributes.taskQueue.name = invocation.taskQueue
            attributes.taskQueue.kind = .normal
            attributes.input.payloads = [JSONPayload.raw(invocation.input)]
            attributes.startToCloseTimeout = .clamped(seconds: Double(invocation.startToCloseSeconds))
            if let heartbeat = invocation.heartbeatSeconds {
                attributes.heartbeatTimeout = .clamped(seconds: Double(heartbeat))
            }
            var retry = Temporal_Api_Common_V1_RetryPolicy()
            retry.maximumAttempts = Int32(invocation.retry.maxAttempts)
            retry.initialInterval = .clamped(seconds: invocation.retry.initialIntervalSeconds)
            retry.backoffCoefficient = invocation.retry.backoff
            retry.maximumInterval = .clamped(seconds: invocation.retry.maxIntervalSeconds)
            retry.nonRetryableErrorTypes = invocation.retry.nonRetryableErrorTypes
            attributes.retryPolicy = retry
            command.scheduleActivityTaskCommandAttributes = attributes
        case .requestCancelActivity(let scheduledEventID):
            command.commandType = .requestCancelActivityTask
            var attributes = Temporal_Api_Command_V1_RequestCancelActivityTaskCommandAttributes()
            attributes.scheduledEventID = scheduledEventID
            command.requestCancelActivityTaskCommandAttributes = attributes
        case .cancelWorkflow:
            command.commandType = .cancelWorkflowExecution
            command.cancelWorkflowExecutionCommandAttributes =
                Temporal_Api_Command_V1_CancelWorkflowExecutionCommandAttributes()
        case .completeWorkflow(let result):
            command.commandType = .completeWorkflowExecution
            var attributes = Temporal_Api_Command_V1_CompleteWorkflowExecutionCommandAttributes()
            attributes.result.payloads = [JSONPayload.raw(result)]
            command.completeWorkflowExecutionCommandAttributes = attributes
        case .failWorkflow(let message, let type):
            command.commandType = .failWorkflowExecution
            var attributes = Temporal_Api_Command_V1_FailWorkflowExecutionCommandAttributes()
            attributes.failure = Temporal_Api_Failure_V1_Failure.application(
                message: message, type: type, nonRetryable: true)
            command.failWorkflowExecutionCommandAttributes = attributes
        }
        return command
    }
}

extension Temporal_Api_Failure_V1_Failure {
    static func application(message: String, type: String, nonRetryable: Bool) -> Self {
        var failure = Self()
        failure.message = message
        failure.source = "activity-core"
        var info = Temporal_Api_Failure_V1_ApplicationFailureInfo()
        info.type = type
        info.nonRetryable = nonRetryable
        failure.applicationFailureInfo = info
        return failure
    }
}

extension Google_Protobuf_Duration {
    /// The longest duration a command carries: 100 years (definitions are validated to it).
    static let maxSeconds = 3_155_760_000.0

    /// `seconds` rounded to milliseconds and clamped to 0...100 years, NaN as 0: a value out
    /// of range must never trap the worker in the protobuf conversion.
    static func clamped(seconds: Double) -> Google_Protobuf_Duration {
        let value = seconds.isNaN ? 0 : min(max(seconds, 0), Self.maxSeconds)
        return Google_Protobuf_Duration(rounding: value, rule: .toNearestOrAwayFromZero)
    }
}
