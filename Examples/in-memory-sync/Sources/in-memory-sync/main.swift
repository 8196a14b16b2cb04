// Syncs a folder of definitions into in-memory stores and an in-memory schedule service,
// twice, with the same `SyncService` the worker uses:
//
//     swift run in-memory-sync ROOT
//
// Prints each change of the first sync and the schedules it made; exit 0 when the first sync
// had no errors and the second changed nothing (a repeat sync is a no-op), else 1.
import Definitions
import Foundation
import Logging
import Schedules
import Sync

guard CommandLine.arguments.count == 2 else {
    print("usage: in-memory-sync ROOT")
    exit(2)
}
let schedules = InMemoryScheduleService()
let service = SyncService(
    runner: SyncRunner(
        roots: [CommandLine.arguments[1]],
        definitions: InMemoryDocumentStore<ActivityDefinition>(),
        eventTypes: InMemoryDocumentStore<EventTypeDefinition>(),
        schedules: ScheduleSync(
            service: schedules, applied: InMemoryAppliedScheduleStore(), projection: ScheduleProjection())),
    lock: LocalSyncLock(),
    logger: Logger(label: "in-memory-sync"))

func report(_ outcome: SyncOutcome) -> SyncReport {
    guard case .ran(let report) = outcome else {
        print("busy: another sync runs")
        exit(1)
    }
    return report
}

let first = report(try await service.sync(.all, dryRun: false, trigger: .cli))
for change in first.changes { print("\(change.stage): \(change.action) \(change.item)") }
for error in first.errors { print("\(error.stage): error \(error.item): \(error.message)") }
for schedule in try await schedules.listSchedules(prefix: "activity-schedule-") {
    print("schedule \(schedule.scheduleID)\(schedule.paused ? " (paused)" : "")")
}
let second = report(try await service.sync(.all, dryRun: false, trigger: .cli))
print("repeat sync: \(second.changes.count) change(s)")
exit(first.ok && second.ok && second.changes.isEmpty ? 0 : 1)
