import Definitions
import Foundation
import Schedules
import SwiftProtobuf

/// `ScheduleService` over Temporal's WorkflowService: the adapter of the Schedules domain.
///
/// It lives here (not in Schedules) so that the domain module links no gRPC: adapters depend
/// inward on the domain whose port they implement, never the other way.
public struct TemporalScheduleService: ScheduleService {
    public let client: TemporalClient
    /// The deadline of one attempt of each call (a sync must end when Temporal hangs).
    public let callTimeout: Duration

    public init(client: TemporalClient, callTimeout: Duration = .seconds(30)) {
        self.client = client
        self.callTimeout = callTimeout
    }

    var namespace: String { self.client.configuration.namespace }
    var identity: String { self.client.configuration.identity }

    /// Pages of a thousand; the next page is asked for while the current one is converted.
    public func listSchedules(prefix: String) async throws -> [ScheduleSummary] {
        var summaries: [ScheduleSummary] = []
        var page = try await self.listPage(after: Data())
        while true {
            let token = page.nextPageToken
            async let next = token.isEmpty ? nil : self.listPage(after: token)
            for entry in page.schedules where entry.scheduleID.hasPrefix(prefix) {
                summaries.append(Self.summary(of: entry))
            }
            guard let following = try await next else { return summaries }
            page = following
        }
    }

    private func listPage(after token: Data) async throws -> Temporal_Api_Workflowservice_V1_ListSchedulesResponse {
        var request = Temporal_Api_Workflowservice_V1_ListSchedulesRequest()
        request.namespace = self.namespace
        request.maximumPageSize = 1000
        request.nextPageToken = token
        return try await self.call("ListSchedules") { [request] service, metadata, options in
            try await service.listSchedules(request, metadata: metadata, options: options)
        }
    }

    /// What a list entry says about a schedule (no action fields: the list does not carry them).
    public static func summary(of entry: Temporal_Api_Schedule_V1_ScheduleListEntry) -> ScheduleSummary {
        ScheduleSummary(
            scheduleID: entry.scheduleID,
            paused: entry.info.paused,
            notes: entry.info.notes,
            memo: JSONPayload.strings(of: entry.memo),
            observedSpec: entry.info.hasSpec ? Self.observedSpec(entry.info.spec) : nil
        )
    }

    public func describeSchedule(id: String) async throws -> ScheduleSummary? {
        guard let response = try await self.describe(id) else { return nil }
        return ScheduleSummary(
            scheduleID: id,
            paused: response.schedule.state.paused,
            notes: response.schedule.state.notes,
            memo: JSONPayload.strings(of: response.memo),
            observedSpec: response.schedule.hasSpec ? Self.observedSpec(response.schedule.spec) : nil,
            owned: Self.owned(response.schedule)
        )
    }

    /// The start-workflow action and the policies, as activity-core compares them with the
    /// projection.
    static func owned(_ schedule: Temporal_Api_Schedule_V1_Schedule) -> ScheduleOwnedFields {
        let start = schedule.action.startWorkflow
        let payloads = start.input.payloads
        let overlap: OverlapPolicy? =
            switch schedule.policies.overlapPolicy {
            case .skip: .skip
            case .bufferOne: .bufferOne
            case .bufferAll: .bufferAll
            default: nil
            }
        return ScheduleOwnedFields(
            workflowType: start.workflowType.name,
            workflowID: start.workflowID,
            taskQueue: start.taskQueue.name,
            payload: payloads.count == 1 ? try? JSONPayload.decode(JSONValue.self, from: payloads[0]) : nil,
            overlap: overlap,
            catchupWindowSeconds: schedule.policies.hasCatchupWindow
                ? Int(schedule.policies.catchupWindow.seconds) : nil
        )
    }

    public func scheduleState(id: String) async throws -> ScheduleState? {
        guard let response = try await self.describe(id) else { return nil }
        let info = response.info
        return ScheduleState(
            paused: response.schedule.state.paused,
            nextRun: info.futureActionTimes.first.map { $0.date },
            lastRun: info.recentActions.last.map { $0.actualTime.date },
            missedCatchupWindow: info.missedCatchupWindow
        )
    }

    /// The full description, or nil when there is no such schedule. `timeout` and
    /// `attempts` bound a caller that must answer quickly (a listing for an operator).
    public func describe(_ id: String, timeout: Duration? = nil, attempts: Int? = nil) async throws
        -> Temporal_Api_Workflowservice_V1_DescribeScheduleResponse?
    {
        var request = Temporal_Api_Workflowservice_V1_DescribeScheduleRequest()
        request.namespace = self.namespace
        request.scheduleID = id
        do {
            return try await self.call("DescribeSchedule", timeout: timeout, attempts: attempts) {
                [request] service, metadata, options in
                try await service.describeSchedule(request, metadata: metadata, options: options)
            }
        } catch let error as ScheduleServiceError where error.code == .notFound {
            return nil
        }
    }

    /// Returns nil: the form Temporal stores is learned from the next listing (a describe
    /// right after a create waits for the new schedule to start).
    @discardableResult
    public func createSchedule(_ schedule: DesiredSchedule, notes: String) async throws -> String? {
        var request = Temporal_Api_Workflowservice_V1_CreateScheduleRequest()
        request.namespace = self.namespace
        request.scheduleID = schedule.scheduleID
        var message = Temporal_Api_Schedule_V1_Schedule()
        try Self.apply(schedule, to: &message)
        message.state.paused = schedule.paused
        message.state.notes = notes
        request.schedule = message
        request.memo = try JSONPayload.memo(schedule.memo)
        request.identity = self.identity
        request.requestID = UUID().uuidString
        _ = try await self.call("CreateSchedule") { [request] service, metadata, options in
            try await service.createSchedule(request, metadata: metadata, options: options)
        }
        return nil
    }

    /// Describe, then update: UpdateSchedule replaces the whole schedule, so what
    /// activity-core does not own (fields this client does not know included, kept by
    /// protobuf as unknown fields) is carried over from the description. The update carries
    /// no conflict token: Temporal answers OK to an update whose token went stale and drops
    /// it, which only a third call could detect; without one, the update always lands, and
    /// a change made by hand in the moment between the two calls is replaced, as a later
    /// sync would correct it anyway. Two calls: the answer tells the form before the update
    /// (the next listing teaches the form after it).
    @discardableResult
    public func updateSchedule(_ schedule: DesiredSchedule, paused: Bool, notes: String) async throws -> UpdatedSpec {
        guard let current = try await self.describe(schedule.scheduleID) else {
            throw ScheduleServiceError(.notFound, "schedule \(schedule.scheduleID) not found")
        }
        var message = current.schedule
        try Self.apply(schedule, to: &message)
        message.state.paused = paused
        message.state.notes = notes
        var request = Temporal_Api_Workflowservice_V1_UpdateScheduleRequest()
        request.namespace = self.namespace
        request.scheduleID = schedule.scheduleID
        request.schedule = message
        request.identity = self.identity
        request.requestID = UUID().uuidString
        _ = try await self.call("UpdateSchedule") { [request] service, metadata, options in
            try await service.updateSchedule(request, metadata: metadata, options: options)
        }
        return UpdatedSpec(superseded: current.schedule.hasSpec ? Self.observedSpec(current.schedule.spec) : nil)
    }

    public func pauseSchedule(id: String, notes: String) async throws {
        var patch = Temporal_Api_Schedule_V1_SchedulePatch()
        patch.pause = notes
        try await self.patch(id, patch)
    }

    public func unpauseSchedule(id: String, notes: String) async throws {
        var patch = Temporal_Api_Schedule_V1_SchedulePatch()
        patch.unpause = notes
        try await self.patch(id, patch)
    }

    /// Starts one run of the schedule's action now.
    public func triggerSchedule(id: String) async throws {
        var patch = Temporal_Api_Schedule_V1_SchedulePatch()
        patch.triggerImmediately = Temporal_Api_Schedule_V1_TriggerImmediatelyRequest()
        try await self.patch(id, patch)
    }

    @discardableResult
    public func deleteSchedule(id: String) async throws -> Bool {
        var request = Temporal_Api_Workflowservice_V1_DeleteScheduleRequest()
        request.namespace = self.namespace
        request.scheduleID = id
        request.identity = self.identity
        do {
            _ = try await self.call("DeleteSchedule") { [request] service, metadata, options in
                try await service.deleteSchedule(request, metadata: metadata, options: options)
            }
            return true
        } catch let error as ScheduleServiceError where error.code == .notFound {
            return false
        }
    }

    private func patch(_ id: String, _ patch: Temporal_Api_Schedule_V1_SchedulePatch) async throws {
        var request = Temporal_Api_Workflowservice_V1_PatchScheduleRequest()
        request.namespace = self.namespace
        request.scheduleID = id
        request.patch = patch
        request.identity = self.identity
        request.requestID = UUID().uuidString
        _ = try await self.call("PatchSchedule") { [request] service, metadata, options in
            try await service.patchSchedule(request, metadata: metadata, options: options)
        }
    }

    /// The spec as Temporal holds it (structured calendars, intervals, jitter, the zone's
    /// name), hashed: the same from a list entry and a describe, since the time zone's data,
    /// which a list entry leaves out, is left out here too.
    static func observedSpec(_ spec: Temporal_Api_Schedule_V1_ScheduleSpec) -> String? {
        var form = spec
        form.timezoneData = Data()
        guard let bytes: [UInt8] = try? form.serializedBytes() else { return nil }
        return SHA256Hex.of(bytes)
    }

    /// Writes what activity-core owns: spec, the start-workflow action and the policies.
    static func apply(_ schedule: DesiredSchedule, to message: inout Temporal_Api_Schedule_V1_Schedule) throws {
        var spec = Temporal_Api_Schedule_V1_ScheduleSpec()
        spec.cronString = [schedule.cronExpression]
        spec.timezoneName = schedule.timezone
        if schedule.jitterSeconds > 0 {
            spec.jitter = Google_Protobuf_Duration(wholeSeconds: schedule.jitterSeconds)
        }
        message.spec = spec

        var start = message.action.startWorkflow
        start.workflowID = schedule.workflowID
        start.workflowType.name = schedule.workflowType
        start.taskQueue.name = schedule.taskQueue
        start.taskQueue.kind = .normal
        start.input.payloads = [try JSONPayload.encode(schedule.input)]
        message.action.startWorkflow = start

        message.policies.overlapPolicy =
            switch schedule.overlap {
            case .skip: .skip
            case .bufferOne: .bufferOne
            case .bufferAll: .bufferAll
            }
        message.policies.catchupWindow = Google_Protobuf_Duration(wholeSeconds: schedule.catchupWindowSeconds)
    }

    private func call<Response: Sendable>(
        _ method: String,
        timeout: Duration? = nil,
        attempts: Int? = nil,
        _ body: @Sendable (TemporalClient.Service, GRPCCoreMetadata, GRPCCoreCallOptions) async throws -> Response
    ) async throws -> Response {
        do {
            return try await self.client.call(
                method, timeout: timeout ?? self.callTimeout, attempts: attempts, body)
        } catch {
            throw Self.map(error)
        }
    }

    static func map(_ error: TemporalError) -> ScheduleServiceError {
        let code: ScheduleServiceErrorCode =
            switch error.code {
            case .alreadyExists: .alreadyExists
            case .notFound: .notFound
            case .invalidArgument: .invalidArgument
            case .unavailable, .resourceExhausted, .deadlineExceeded: .unavailable
            default: .failed
            }
        return ScheduleServiceError(code, error.message, cause: error)
    }
}
