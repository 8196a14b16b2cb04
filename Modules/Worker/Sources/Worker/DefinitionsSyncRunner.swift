import Definitions
import Foundation
import Logging

/// Runs the stages of a sync that exist in this build: definitions and event types from the
/// configured roots into their stores. The roots are loaded once for both stages.
///
/// The schedules stage arrives with the Temporal adapter; until then a run that asks for it
/// reports an error for that stage, so that nobody mistakes a definitions-only sync for one
/// that reached Temporal.
public struct DefinitionsSyncRunner<Definitions: DocumentStore, EventTypes: DocumentStore>: Sendable
where Definitions.Document == ActivityDefinition, EventTypes.Document == EventTypeDefinition {
    public let roots: [String]
    public let definitions: Definitions
    public let eventTypes: EventTypes
    public let loader: DefinitionLoader

    public init(
        roots: [String], definitions: Definitions, eventTypes: EventTypes, loader: DefinitionLoader = DefinitionLoader()
    ) {
        self.roots = roots
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.loader = loader
    }

    public func run(stages: SyncStages, dryRun: Bool, logger: Logger) async -> SyncReport {
        let started = Date()
        let clock = ContinuousClock.now
        var report = SyncReport(dryRun: dryRun, startedAt: started)
        let load = self.loader.load(roots: self.roots)
        if stages.definitions {
            do {
                let result = try await DocumentSync(store: self.definitions).sync(
                    load: load, dryRun: dryRun, logger: logger)
                report.definitions = SyncReport.Counts(result)
                report.add(result, stage: "definitions")
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
            report.addError(
                stage: "schedules", item: "temporal", message: "the schedules stage is not available in this build yet")
        }
        let elapsed = ContinuousClock.now - clock
        report.durationMilliseconds = Int(
            elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        var metadata: Logger.Metadata = [
            "sync.ok": "\(report.ok)", "sync.dry_run": "\(dryRun)",
            "sync.duration_ms": "\(report.durationMilliseconds)",
        ]
        if let counts = report.definitions {
            metadata["sync.definitions"] =
                "synced=\(counts.synced) upserted=\(counts.upserted) unchanged=\(counts.unchanged) retired=\(counts.retired) invalid=\(counts.invalid)"
        }
        if let counts = report.eventTypes {
            metadata["sync.event_types"] =
                "synced=\(counts.synced) upserted=\(counts.upserted) unchanged=\(counts.unchanged) retired=\(counts.retired) invalid=\(counts.invalid)"
        }
        logger.info("sync finished", metadata: metadata)
        return report
    }
}
