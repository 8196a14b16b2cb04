import Coordination
import CoreMetrics
import Definitions
import Foundation
import Schedules

/// `GET /admin/definitions`: every stored definition and, for live cron ones, what Temporal
/// says about its schedule (state, next and last run, missed catch-up window). Also sets the
/// `activity_schedule_missed_fires` gauge to the sum of the missed fires it saw.
public struct StoreDefinitionCatalog: DefinitionCatalog {
    let store: any DocumentStore<ActivityDefinition>
    let schedules: any ScheduleService
    let projection: ScheduleProjection
    let metrics: any MetricsFactory
    /// Where the last sync or refresh left the drift it found (`drift` of a cron definition).
    let applied: (any AppliedScheduleStore)?
    /// Describes in flight at once.
    let parallelism = 16

    public init(
        store: any DocumentStore<ActivityDefinition>,
        schedules: any ScheduleService,
        projection: ScheduleProjection,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        applied: (any AppliedScheduleStore)? = nil
    ) {
        self.store = store
        self.schedules = schedules
        self.projection = projection
        self.metrics = metrics
        self.applied = applied
    }

    struct ScheduleView: Sendable {
        var state: String
        var nextRun: Date?
        var lastRun: Date?
        var missed: Int64
        /// Why the schedule's state is unknown (`state` is then `unknown`).
        var error: String?

        static func unknown(_ error: String) -> ScheduleView {
            ScheduleView(state: "unknown", nextRun: nil, lastRun: nil, missed: 0, error: error)
        }
    }

    /// Answers from PostgreSQL alone: a schedule Temporal cannot describe is `unknown` with
    /// an `error`, never a failed listing. Only a store failure throws.
    public func definitions() async throws -> [JSONValue] {
        let contents = try await self.store.contents()
        let records = contents.records.sorted { $0.id < $1.id }
        let cron = records.filter { record in
            guard !record.isRetired, case .cron = record.document.trigger else { return false }
            return true
        }.map(\.id)
        let views = await self.describe(cron)
        // Drift as the last sync or refresh found it (a failing read: no drift shown).
        let drift = (try? await self.applied?.applied().mapValues(\.drift)) ?? [:]
        Gauge(label: "activity_schedule_missed_fires", factory: self.metrics).record(
            views.values.reduce(Int64(0)) { $0 + $1.missed })
        var listed: [(String, JSONValue)] = records.map { record in
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
                object["drift"] = .array(
                    (drift[self.projection.scheduleID(for: record.id)] ?? []).map { .string($0) })
                if let error = view.error { object["error"] = .string(error) }
            }
            return (record.id, .object(object))
        }
        // A row that cannot be read is still listed, with why.
        listed += contents.unreadable.map { row in
            (
                row.id,
                .object([
                    "id": .string(row.id), "name": .string(row.id), "enabled": .null, "retired": .null,
                    "trigger": .null, "source": row.source.map { .string($0.description) } ?? .null,
                    "error": .string("the stored definition cannot be read (column \(row.column): \(row.message))"),
                ])
            )
        }
        return listed.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// One describe per cron definition, `parallelism` at a time. Once Temporal is found
    /// unreachable, the rest are not asked (each would wait out its deadline).
    func describe(_ ids: [String]) async -> [String: ScheduleView] {
        let describe: @Sendable (String) async -> Viewed = { id in
            do {
                return Viewed(view: try await self.view(of: id))
            } catch let error as ScheduleServiceError {
                return Viewed(
                    view: .unknown(error.message), unavailable: error.code == .unavailable ? error.message : nil)
            } catch {
                return Viewed(view: .unknown("\(error)"))
            }
        }
        let giveUp: (Viewed) -> (@Sendable (String) -> Viewed)? = { viewed in
            guard let reason = viewed.unavailable else { return nil }
            return { _ in Viewed(view: .unknown(reason)) }
        }
        let viewed: [Viewed] = await LimitedConcurrency.map(ids, limit: self.parallelism, giveUp: giveUp, describe)
        return Dictionary(zip(ids, viewed.map { $0.view }), uniquingKeysWith: { first, _ in first })
    }

    /// A describe's outcome; `unavailable` (Temporal's message) stops the describes not started.
    struct Viewed: Sendable {
        var view: ScheduleView
        var unavailable: String?
    }

    func view(of id: String) async throws -> ScheduleView {
        // The service's own deadline (ACTIVITY_TEMPORAL_TIMEOUT_SECONDS): a dev server slowed by
        // a loaded machine takes seconds per describe, and Temporal refusing connections fails
        // at once. One that hangs costs one deadline; then the rest are not asked.
        guard let state = try await self.schedules.scheduleState(id: self.projection.scheduleID(for: id)) else {
            return ScheduleView(state: "missing", nextRun: nil, lastRun: nil, missed: 0)
        }
        return ScheduleView(
            state: state.paused ? "paused" : "active", nextRun: state.nextRun, lastRun: state.lastRun,
            missed: state.missedCatchupWindow)
    }
}
