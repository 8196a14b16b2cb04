import Definitions
import Foundation
import Logging
import Schedules

/// Runs the stages of one sync in order (definitions, event types, schedules) against
/// injected stores and services. The roots are loaded once for both document stages.
///
/// A dry run computes the definitions stage on an in-memory copy of the stored records, so
/// that the schedules stage plans against what the definitions would be, and nothing is
/// written anywhere.
public struct SyncRunner<
    Definitions: DocumentStore,
    EventTypes: DocumentStore,
    Schedules: ScheduleService,
    Applied: AppliedScheduleStore
>: Sendable where Definitions.Document == ActivityDefinition, EventTypes.Document == EventTypeDefinition {
    public let roots: [String]
    public let definitions: Definitions
    public let eventTypes: EventTypes
    public let schedules: ScheduleSync<Schedules, Applied>
    public let loader: DefinitionLoader

    public init(
        roots: [String],
        definitions: Definitions,
        eventTypes: EventTypes,
        schedules: ScheduleSync<Schedules, Applied>,
        loader: DefinitionLoader = DefinitionLoader()
    ) {
        self.roots = roots
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.schedules = schedules
        self.loader = loader
    }

    public func run(stages: SyncStages, dryRun: Bool, logger: Logger) async -> SyncReport {
        let clock = ContinuousClock.now
        var report = SyncReport(dryRun: dryRun, startedAt: Date())
        let load = self.loader.load(roots: self.roots)
        var liveDefinitions: [ActivityDefinition]?

        if stages.definitions {
            do {
                let (result, live) = try await self.syncDefinitions(load: load, dryRun: dryRun, logger: logger)
                report.definitions = SyncReport.Counts(result)
                report.add(result, stage: "definitions")
                liveDefinitions = live
            } catch {
                report.addError(stage: "definitions", item: "store", message: "\(error)")
            }
        }
        if stages.eventTypes {
            do {
                let result = try await DocumentSync(store: self.eventTypes).sync(
                    load: load, dryRun: dryRun, logger: logger)
                report.eventTypes = SyncReport.Counts(result)
                report.add(result, stage: "event_types")
            } catch {
                report.addError(stage: "event_types", item: "store", message: "\(error)")
            }
        }
        if stages.schedules {
            do {
                let definitions: [ActivityDefinition]
                if let liveDefinitions {
                    definitions = liveDefinitions
                } else {
                    definitions = try await self.definitions.records().filter { !$0.isRetired }.map(\.document)
                }
                let result = try await self.schedules.sync(definitions: definitions, dryRun: dryRun, logger: logger)
                report.add(result)
            } catch {
                report.addError(stage: "schedules", item: "temporal", message: "\(error)")
            }
        }
        let elapsed = ContinuousClock.now - clock
        report.durationMilliseconds = Int(elapsed / .milliseconds(1))
        Self.log(report, logger: logger)
        return report
    }

    /// Syncs definitions and returns the live definitions afterwards (as they would be, in a
    /// dry run).
    private func syncDefinitions(load: LoadResult, dryRun: Bool, logger: Logger) async throws -> (
        DocumentSyncReport, [ActivityDefinition]
    ) {
        let stored = try await self.definitions.records()
        guard dryRun else {
            let result = try await DocumentSync(store: self.definitions).sync(
                load: load, stored: stored, logger: logger)
            // Read again only when the sync wrote (the sync lock keeps other writers out).
            let records =
                result.upserted == 0 && result.retired == 0 ? stored : try await self.definitions.records()
            return (result, records.filter { !$0.isRetired }.map(\.document))
        }
        let shadow = InMemoryDocumentStore<ActivityDefinition>(records: stored)
        var result = try await DocumentSync(store: shadow).sync(load: load, logger: logger)
        result.dryRun = true
        result.generation = try await self.definitions.generation()
        let live = try await shadow.records().filter { !$0.isRetired }.map(\.document)
        return (result, live)
    }

    static func log(_ report: SyncReport, logger: Logger) {
        var metadata: Logger.Metadata = [
            "sync.ok": "\(report.ok)", "sync.dry_run": "\(report.dryRun)",
            "sync.duration_ms": "\(report.durationMilliseconds)",
            "sync.errors": "\(report.errors.count + report.errorsTruncated)",
        ]
        for (key, counts) in [("sync.definitions", report.definitions), ("sync.event_types", report.eventTypes)] {
            guard let counts else { continue }
            metadata[key] =
                "synced=\(counts.synced) upserted=\(counts.upserted) unchanged=\(counts.unchanged) retired=\(counts.retired) invalid=\(counts.invalid)"
        }
        if let counts = report.schedules {
            metadata["sync.schedules"] =
                "created=\(counts.created) updated=\(counts.updated) unchanged=\(counts.unchanged) paused=\(counts.paused) unpaused=\(counts.unpaused) deleted_orphans=\(counts.deletedOrphans)"
        }
        logger.info("sync finished", metadata: metadata)
    }
}
