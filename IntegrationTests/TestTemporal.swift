import Foundation
import Logging
import Schedules
import Temporal

/// The Temporal dev server `Tools/test` started (TEMPORAL_ADDRESS). Tests keep apart by a
/// schedule prefix of their own: activity-core owns exactly the schedules with its prefix.
enum TestTemporal {
    static var address: String {
        ProcessInfo.processInfo.environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233"
    }

    static func newPrefix() -> String {
        "it-\(UUID().uuidString.prefix(8).lowercased())-"
    }

    static func withClient<Result: Sendable>(
        counter: RPCCounter = RPCCounter(),
        _ body: @Sendable (TemporalClient) async throws -> Result
    ) async throws -> Result {
        let configuration = try TemporalConfiguration(
            address: Self.address, namespace: "default", identity: "activity-core-tests")
        return try await TemporalClient.withClient(
            configuration: configuration, counter: counter, logger: TestDatabase.logger
        ) {
            client in
            try await body(client)
        }
    }

    /// Deletes every schedule with `prefix` (test cleanup).
    static func deleteAll(prefix: String, service: TemporalScheduleService) async {
        guard let schedules = try? await service.listSchedules(prefix: prefix) else { return }
        for schedule in schedules { _ = try? await service.deleteSchedule(id: schedule.scheduleID) }
    }

    /// Deletes every schedule with `prefix` through a client of its own.
    static func deleteAllSchedules(prefix: String) async {
        _ = try? await Self.withClient { client in
            await Self.deleteAll(
                prefix: prefix, service: TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout))
        }
    }

    /// Whether the schedule `id` exists (a describe, which is consistent).
    static func scheduleExists(_ id: String) async throws -> Bool {
        try await Self.withClient { client in
            try await TemporalScheduleService(client: client, callTimeout: TestTemporal.callTimeout).describe(id) != nil
        }
    }

    /// Polls the (eventually consistent) list until `condition` holds for the owned
    /// schedules, for at most `timeout` (15 s).
    static func waitForList(
        _ service: TemporalScheduleService,
        prefix: String,
        timeout: Duration = .seconds(15),
        _ condition: ([ScheduleSummary]) -> Bool
    ) async throws -> [ScheduleSummary] {
        var schedules: [ScheduleSummary] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            schedules = try await service.listSchedules(prefix: prefix)
            if condition(schedules) { return schedules }
            try await Task.sleep(for: .milliseconds(100))
        }
        return schedules
    }
}

extension TestTemporal {
    /// The deadline of one schedule call in tests. A describe is answered by the schedule's
    /// own workflow inside the dev server; in a full test run on two cores, with many suites
    /// creating schedules at once, some took longer than the worker's 30 s (in 3 of 8 full
    /// runs of one session), while each passed alone in seconds.
    static let callTimeout = Duration.seconds(90)

    /// A workflow's whole history (latest run).
    static func history(_ workflowID: String) async throws -> [Temporal_Api_History_V1_HistoryEvent] {
        try await Self.withClient { client in
            var events: [Temporal_Api_History_V1_HistoryEvent] = []
            var token = Data()
            repeat {
                var request = Temporal_Api_Workflowservice_V1_GetWorkflowExecutionHistoryRequest()
                request.namespace = client.configuration.namespace
                request.execution.workflowID = workflowID
                request.nextPageToken = token
                let page = try await client.call("GetWorkflowExecutionHistory") {
                    [request] service, metadata, options in
                    try await service.getWorkflowExecutionHistory(request, metadata: metadata, options: options)
                }
                events += page.history.events
                token = page.nextPageToken
            } while !token.isEmpty
            return events
        }
    }
}

extension TestTemporal {
    /// A workflow's history as one line per event (`id type +seconds`), for a failure's message.
    static func timeline(_ workflowID: String) async -> String {
        guard let events = try? await Self.history(workflowID), let first = events.first else {
            return "no history for \(workflowID)"
        }
        let start = first.eventTime.timeIntervalSince1970
        return events.map { event in
            let offset = event.eventTime.timeIntervalSince1970 - start
            return "\(event.eventID) \(event.eventType) +\(String(format: "%.3f", offset))s"
        }.joined(separator: "\n")
    }
}
