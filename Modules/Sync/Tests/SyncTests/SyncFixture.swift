import Definitions
import Foundation
import Logging
import Schedules
import Sync

/// A definitions root on disk and the in-memory stores and services one sync runs against.
final class SyncFixture: Sendable {
    let root: URL
    let definitions = InMemoryDocumentStore<ActivityDefinition>()
    let eventTypes = InMemoryDocumentStore<EventTypeDefinition>()
    let temporal = InMemoryScheduleService()
    let applied = InMemoryAppliedScheduleStore()
    static let logger: Logger = {
        var logger = Logger(label: "sync-tests")
        logger.logLevel = .warning
        return logger
    }()

    init() throws {
        self.root = FileManager.default.temporaryDirectory.appendingPathComponent("sync-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: self.root.appendingPathComponent("activity-definitions"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: self.root.appendingPathComponent("event-types"), withIntermediateDirectories: true)
        try self.write(
            "activity-definitions/digest.yaml",
            "id: digest\ntrigger: {type: cron, cron_expression: \"0 * * * *\"}\naction: {type: echo}\n")
        try self.write(
            "activity-definitions/on-push.yaml",
            "id: on-push\ntrigger: {type: event, event_type: repo.push}\naction: {type: echo}\n")
        try self.write("event-types/push.yaml", "type: event-type\nid: repo.push\n")
    }

    deinit {
        try? FileManager.default.removeItem(at: self.root)
    }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: self.root.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    func runner(
        definitions: (any DocumentStore<ActivityDefinition>)? = nil
    ) -> SyncRunner<
        AnyDefinitionStore, InMemoryDocumentStore<EventTypeDefinition>, InMemoryScheduleService,
        InMemoryAppliedScheduleStore
    > {
        SyncRunner(
            roots: [self.root.path],
            definitions: AnyDefinitionStore(definitions ?? self.definitions),
            eventTypes: self.eventTypes,
            schedules: ScheduleSync(
                service: self.temporal, applied: self.applied, projection: ScheduleProjection(prefix: "test-"))
        )
    }

    func service(lock: any SyncLock = LocalSyncLock(), definitions: (any DocumentStore<ActivityDefinition>)? = nil)
        -> SyncService
    {
        SyncService(runner: self.runner(definitions: definitions), lock: lock, intervalSeconds: 0, logger: Self.logger)
    }
}

/// A definition store behind an existential, so that a failing one can stand in.
struct AnyDefinitionStore: DocumentStore {
    let base: any DocumentStore<ActivityDefinition>
    init(_ base: any DocumentStore<ActivityDefinition>) { self.base = base }
    func contents() async throws -> StoredContents<ActivityDefinition> { try await self.base.contents() }
    func record(id: String) async throws -> StoredRecord<ActivityDefinition>? { try await self.base.record(id: id) }
    func apply(_ changes: StoreChanges<ActivityDefinition>) async throws -> StoreApplyResult {
        try await self.base.apply(changes)
    }
    func generation() async throws -> Int64 { try await self.base.generation() }
}

/// A store whose database is down.
struct UnreachableStore: DocumentStore {
    struct Down: Error, CustomStringConvertible { var description: String { "database unreachable" } }
    func contents() async throws -> StoredContents<ActivityDefinition> { throw Down() }
    func record(id: String) async throws -> StoredRecord<ActivityDefinition>? { throw Down() }
    func apply(_ changes: StoreChanges<ActivityDefinition>) async throws -> StoreApplyResult { throw Down() }
    func generation() async throws -> Int64 { throw Down() }
}

/// A lock another replica holds.
final class HeldLock: SyncLock {
    func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result? {
        nil
    }
}

/// A lock whose database is down.
struct BrokenLock: SyncLock {
    struct Down: Error {}
    func withLockIfAvailable<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result? {
        throw Down()
    }
}
