import Definitions
import Foundation
import Schedules
import Testing

@testable import AdminAPI

@Suite("GET /admin/definitions from the store and the schedule service")
struct StoreDefinitionCatalogTests {
    static func cron(_ id: String, enabled: Bool = true) -> ActivityDefinition {
        ActivityDefinition(
            id: id, enabled: enabled, trigger: .cron(CronTrigger(cronExpression: "@daily")),
            document: .object(["id": .string(id), "trigger": .object(["type": .string("cron")])]))
    }

    static func record(_ definition: ActivityDefinition, retired: Bool = false) -> StoredRecord<ActivityDefinition> {
        StoredRecord(
            document: definition, source: DefinitionSource(root: "/r", path: "\(definition.id).yaml"),
            retiredAt: retired ? Date() : nil)
    }

    @Test("cron definitions get their schedule's state: active, paused, missing, unknown with the error")
    func states() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        let projection = ScheduleProjection(prefix: "t-")
        let schedules = InMemoryScheduleService()
        for definition in [Self.cron("active"), Self.cron("paused"), Self.cron("missing"), Self.cron("broken")] {
            store.put(Self.record(definition))
        }
        store.put(Self.record(Self.cron("retired"), retired: true))
        store.put(
            Self.record(
                ActivityDefinition(id: "on-event", trigger: .event(EventTrigger(eventType: "x")), document: .null)))
        if let active = projection.project(Self.cron("active")) { schedules.seed(active) }
        if let paused = projection.project(Self.cron("paused")) { schedules.seed(paused, paused: true) }
        if let broken = projection.project(Self.cron("broken")) { schedules.seed(broken) }
        schedules.failDescribe("t-broken", with: ScheduleServiceError(.failed, "describe refused"))
        let catalog = StoreDefinitionCatalog(store: store, schedules: schedules, projection: projection)

        let listed = try await catalog.definitions()
        let byID = Dictionary(
            uniqueKeysWithValues: listed.compactMap { item in item["id"]?.stringValue.map { ($0, item) } })
        #expect(byID.keys.sorted() == ["active", "broken", "missing", "on-event", "paused", "retired"])
        #expect(byID["active"]?["state"]?.stringValue == "active")
        #expect(byID["active"]?["schedule_id"]?.stringValue == "t-active")
        #expect(byID["paused"]?["state"]?.stringValue == "paused")
        #expect(byID["missing"]?["state"]?.stringValue == "missing")
        #expect(byID["broken"]?["state"]?.stringValue == "unknown")
        #expect(byID["broken"]?["error"]?.stringValue == "describe refused")
        // Not asked: event-triggered and retired definitions.
        #expect(byID["on-event"]?["state"] == nil)
        #expect(byID["retired"]?["state"] == nil)
        #expect(schedules.calls["describe"] == 4)
    }

    @Test("once the scheduler is unavailable the remaining schedules are not asked")
    func breaker() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        let projection = ScheduleProjection(prefix: "t-")
        let schedules = InMemoryScheduleService()
        for index in 0..<40 {
            let definition = Self.cron("d\(index)")
            store.put(Self.record(definition))
            schedules.failDescribe("t-d\(index)", with: ScheduleServiceError(.unavailable, "temporal is down"))
        }
        let catalog = StoreDefinitionCatalog(store: store, schedules: schedules, projection: projection)
        let listed = try await catalog.definitions()
        #expect(listed.count == 40)
        #expect(listed.allSatisfy { $0["state"]?.stringValue == "unknown" && $0["error"] != nil })
        // At most the first wave (16 in flight) reached the service.
        #expect((schedules.calls["describe"] ?? 0) <= 16)
    }

    @Test("a cron definition shows the drift the last sync or refresh left, empty when none")
    func drift() async throws {
        let store = InMemoryDocumentStore<ActivityDefinition>()
        let projection = ScheduleProjection(prefix: "t-")
        let schedules = InMemoryScheduleService()
        let applied = InMemoryAppliedScheduleStore()
        for id in ["steady", "drifted"] {
            store.put(Self.record(Self.cron(id)))
            if let schedule = projection.project(Self.cron(id)) {
                schedules.seed(schedule)
                try await applied.recordApplied(
                    scheduleID: schedule.scheduleID, specHash: schedule.specHash, paused: false)
            }
        }
        try await applied.recordDrift(scheduleID: "t-drifted", fields: ["spec", "task_queue"])
        let catalog = StoreDefinitionCatalog(
            store: store, schedules: schedules, projection: projection, applied: applied)
        let listed = try await catalog.definitions()
        let byID = Dictionary(
            uniqueKeysWithValues: listed.compactMap { item in item["id"]?.stringValue.map { ($0, item) } })
        #expect(byID["drifted"]?["drift"] == .array([.string("spec"), .string("task_queue")]))
        #expect(byID["steady"]?["drift"] == .array([]))
    }
}
