import AdminAPI
import CoreMetrics
import Definitions
import Foundation
import Schedules
import SwiftProtobuf
import Temporal

/// `GET /admin/definitions`: every stored definition and, for live cron ones, what Temporal
/// says about its schedule (state, next and last run, missed catch-up window). Also sets the
/// `activity_schedule_missed_fires` gauge to the sum of the missed fires it saw.
public struct StoreDefinitionCatalog: DefinitionCatalog {
    let store: any DocumentStore<ActivityDefinition>
    let schedules: TemporalScheduleService
    let projection: ScheduleProjection
    let metrics: any MetricsFactory
    /// Describes in flight at once.
    let parallelism = 16

    public init(
        store: any DocumentStore<ActivityDefinition>,
        schedules: TemporalScheduleService,
        projection: ScheduleProjection,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.store = store
        self.schedules = schedules
        self.projection = projection
        self.metrics = metrics
    }

    struct ScheduleView: Sendable {
        var state: String
        var nextRun: Date?
        var lastRun: Date?
        var missed: Int64
    }

    public func definitions() async throws -> [JSONValue] {
        let records = try await self.store.records().sorted { $0.id < $1.id }
        let cron = records.filter { record in
            guard !record.isRetired, case .cron = record.document.trigger else { return false }
            return true
        }.map(\.id)
        let views = try await self.describe(cron)
        Gauge(label: "activity_schedule_missed_fires", factory: self.metrics).record(
            views.values.reduce(Int64(0)) { $0 + $1.missed })
        return records.map { record in
            var object: [String: JSONValue] = [
                "id": .string(record.id),
                "name": .string(record.document.name),
                "enabled": .bool(record.document.enabled),
                "retired": .bool(record.isRetired),
                "trigger": record.document.document["trigger"] ?? .null,
                "source": .string(record.source.description),
            ]
            if let view = views[record.id] {
                object["schedule_id"] = .string(self.projection.scheduleID(for: record.id))
                object["state"] = .string(view.state)
                object["next_run"] = view.nextRun.map { .string($0.formatted(.iso8601)) } ?? .null
                object["last_run"] = view.lastRun.map { .string($0.formatted(.iso8601)) } ?? .null
                object["missed_catchup_window"] = .integer(view.missed)
            }
            return .object(object)
        }
    }

    /// One describe per cron definition, `parallelism` at a time.
    func describe(_ ids: [String]) async throws -> [String: ScheduleView] {
        try await withThrowingTaskGroup(of: (String, ScheduleView).self) { group in
            var views: [String: ScheduleView] = [:]
            var pending = ids[...]
            func next() {
                guard let id = pending.popFirst() else { return }
                group.addTask { (id, try await self.view(of: id)) }
            }
            for _ in 0..<self.parallelism { next() }
            while let (id, view) = try await group.next() {
                views[id] = view
                next()
            }
            return views
        }
    }

    func view(of id: String) async throws -> ScheduleView {
        guard let response = try await self.schedules.describe(self.projection.scheduleID(for: id)) else {
            return ScheduleView(state: "missing", nextRun: nil, lastRun: nil, missed: 0)
        }
        let info = response.info
        return ScheduleView(
            state: response.schedule.state.paused ? "paused" : "active",
            nextRun: info.futureActionTimes.first.map { $0.date },
            lastRun: info.recentActions.last.map { $0.actualTime.date },
            missed: info.missedCatchupWindow
        )
    }
}
