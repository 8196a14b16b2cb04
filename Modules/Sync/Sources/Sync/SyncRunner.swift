import Coordination
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

    public func run(stages: SyncStages, dryRun: Bool, allowEmpty: Bool, refresh: Bool, logger: Logger) async
        -> SyncReport
    {
        let clock = ContinuousClock.now
        var report = SyncReport(dryRun: dryRun, startedAt: Date())
        // The reads that do not depend on the files start with them: the stored definitions
        // and the schedules stage's listing (a page per thousand schedules, the slowest).
        async let storedDefinitions =
            stages.definitions ? await Result.catching { try await self.definitions.contents() } : nil
        async let listing = stages.schedules ? await self.schedules.read() : nil
        let load = await self.loader.loadInBackground(roots: self.roots)
        var liveDefinitions: [ActivityDefinition]?
        var orphanGuard = OrphanGuard(allowEmpty: allowEmpty)

        if stages.definitions {
            do {
                guard let read = await storedDefinitions else {
                    preconditionFailure("the stored definitions are read whenever the definitions stage runs")
                }
                let stored = try read.get()
                let (result, live, unreadable) = try await self.syncDefinitions(
                    load: load, stored: stored, dryRun: dryRun, allowEmpty: allowEmpty, logger: logger)
                report.definitions = SyncReport.Counts(result)
                report.add(result, stage: .definitions)
                liveDefinitions = live
                orphanGuard.protectedActivityIDs = unreadable
                orphanGuard.holdReason = Self.holdReason(result)
            } catch {
                report.addError(stage: .definitions, item: "store", message: "\(error)")
                orphanGuard.holdReason = "the definitions stage could not read or write the store"
            }
        }
        if stages.eventTypes {
            do {
                let result = try await DocumentSync(store: self.eventTypes).sync(
                    load: load, dryRun: dryRun, allowEmpty: allowEmpty, logger: logger)
                report.eventTypes = SyncReport.Counts(result)
                report.add(result, stage: .eventTypes)
                for shared in load.sharedEventTypeSubjects {
                    let owners = shared.owners.map { "\($0.id) (\($0.location))" }.joined(separator: " and ")
                    report.addError(
                        stage: .eventTypes, item: shared.subject,
                        message:
                            "event types \(owners) have the same subject \(shared.subject); untyped events on it go to \(shared.owners[0].id) only: give each its own subject or disable one"
                    )
                }
            } catch {
                report.addError(stage: .eventTypes, item: "store", message: "\(error)")
            }
        }
        if stages.schedules {
            do {
                let definitions: [ActivityDefinition]
                if let liveDefinitions {
                    definitions = liveDefinitions
                } else {
                    let contents = try await self.definitions.contents()
                    definitions = contents.records.filter { !$0.isRetired }.map(\.document)
                    orphanGuard.protectedActivityIDs = Set(contents.unreadable.map(\.id))
                }
                let result = try await self.schedules.sync(
                    definitions: definitions, dryRun: dryRun, guard: orphanGuard, refresh: refresh,
                    listing: await listing, logger: logger)
                report.add(result)
            } catch {
                report.addError(stage: .schedules, item: "temporal", message: "\(error)")
            }
        }
        let elapsed = ContinuousClock.now - clock
        report.durationMilliseconds = Int(elapsed / .milliseconds(1))
        Self.log(report, logger: logger)
        return report
    }

    /// Why the schedules stage must not delete or pause orphans after this definitions
    /// stage: a root error (missing, unreadable, or empty while definitions came from it) or
    /// a document the store refused means the live definitions are not known in full. A root
    /// that is simply empty (nothing ever came from it) holds nothing; a sync that would
    /// remove every schedule is still refused by the empty guard.
    static func holdReason(_ result: DocumentSyncReport) -> String? {
        if !result.rootErrors.isEmpty {
            return "definition root(s) \(result.rootErrors.joined(separator: ", ")) did not load"
        }
        if result.storeFailures > 0 {
            return "\(result.storeFailures) definition(s) could not be stored"
        }
        return nil
    }

    /// Syncs definitions and returns the live definitions afterwards (as they would be, in a
    /// dry run) and the ids of stored rows that cannot be read.
    private func syncDefinitions(
        load: LoadResult, stored: StoredContents<ActivityDefinition>, dryRun: Bool, allowEmpty: Bool, logger: Logger
    ) async throws -> (DocumentSyncReport, [ActivityDefinition], Set<String>) {
        guard dryRun else {
            let result = try await DocumentSync(store: self.definitions).sync(
                load: load, stored: stored, allowEmpty: allowEmpty, logger: logger)
            // Read again only when the sync wrote (the sync lock keeps other writers out).
            let after =
                result.upserted == 0 && result.retired == 0 ? stored : try await self.definitions.contents()
            return (
                result, after.records.filter { !$0.isRetired }.map(\.document), Set(after.unreadable.map(\.id))
            )
        }
        let shadow = InMemoryDocumentStore<ActivityDefinition>(records: stored.records)
        for row in stored.unreadable { shadow.putUnreadable(row) }
        var result = try await DocumentSync(store: shadow).sync(load: load, allowEmpty: allowEmpty, logger: logger)
        result.dryRun = true
        result.generation = try await self.definitions.generation()
        let after = try await shadow.contents()
        return (result, after.records.filter { !$0.isRetired }.map(\.document), Set(after.unreadable.map(\.id)))
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
