import AdminAPI
import Definitions
import EventTypes
import NIOSSL
import Runs
import Schedules
import ServiceLifecycle
import Sync
import Workflows

/// The adapters the worker runs over. `WorkerPorts.live` opens PostgreSQL, Temporal and NATS
/// from the configuration; unit tests fill it with in-memory twins.
public struct WorkerPorts: Sendable {
    /// The three sync stages over the stores and the schedule service.
    public var syncRunner: any SyncStageRunner
    /// One sync at a time across replicas.
    public var syncLock: any SyncLock
    public var definitions: any DocumentStore<ActivityDefinition>
    public var eventTypes: any DocumentStore<EventTypeDefinition>
    /// Schedule states for `GET /admin/definitions`.
    public var schedules: any ScheduleService
    /// What the syncs recorded per schedule (drift for `GET /admin/definitions`).
    public var appliedSchedules: (any AppliedScheduleStore)?
    public var runs: any RunStore
    public var events: any RouterEventSource
    public var starter: any WorkflowStarter
    public var manualRuns: any ManualRunStarter
    /// Cancels runs (`POST /admin/runs/{workflow_id}/cancel`).
    public var runCanceller: any RunCanceller
    /// How run workflows ended, and one reconciler at a time (the run reconciler).
    public var runWorkflowEnds: any RunWorkflowEnds
    public var runReconcileLock: any RunReconcileLock
    public var publisher: any EventPublisher
    /// The http action (`nats.publish` and `echo` are built over `publisher` and the logger).
    public var httpAction: any ActionExecutor
    /// Tells of syncs in other processes; nil = the fallback check only.
    public var changeFeed: (any ChangeFeed)?
    /// The admin API's tokens (files read once already); nil = the configuration's
    /// `ACTIVITY_ADMIN_TOKEN` and `ACTIVITY_READ_TOKEN` only.
    public var adminTokens: AdminTokenSet?
    /// Where changing admin requests are recorded.
    public var audit: any AuditLog
    /// The HTTP server's certificate and key (`ACTIVITY_HTTP_TLS_*`, read and checked); nil =
    /// plain HTTP.
    public var httpTLS: TLSConfiguration?
    /// `/readyz` checks by dependency name, each a call that throws when it does not answer.
    public var readinessChecks: [String: ServiceReadiness.Check]
    /// An error as `/readyz` shows it.
    public var describeError: @Sendable (any Error) -> String
    /// Brings the stores up to date before the startup sync (migrations).
    public var prepare: @Sendable () async throws -> Void
    /// Runs the workflows and activities until graceful shutdown (the Temporal worker).
    public var workflowRuntime: @Sendable (RunWorkflowSet) -> any Service
    /// Services the adapters need running, started first (connection pools).
    public var infrastructure: [any Service]
    /// Runs after the services ended (drains and closes connections).
    public var close: @Sendable () async -> Void

    public init(
        syncRunner: any SyncStageRunner, syncLock: any SyncLock, definitions: any DocumentStore<ActivityDefinition>,
        eventTypes: any DocumentStore<EventTypeDefinition>, schedules: any ScheduleService, runs: any RunStore,
        events: any RouterEventSource, starter: any WorkflowStarter, manualRuns: any ManualRunStarter,
        runCanceller: any RunCanceller, runWorkflowEnds: any RunWorkflowEnds, runReconcileLock: any RunReconcileLock,
        publisher: any EventPublisher, httpAction: any ActionExecutor,
        appliedSchedules: (any AppliedScheduleStore)? = nil, changeFeed: (any ChangeFeed)? = nil,
        adminTokens: AdminTokenSet? = nil, audit: any AuditLog = InMemoryAuditLog(),
        httpTLS: TLSConfiguration? = nil,
        readinessChecks: [String: ServiceReadiness.Check] = [:],
        describeError: @escaping @Sendable (any Error) -> String = { "\($0)" },
        prepare: @escaping @Sendable () async throws -> Void = {},
        workflowRuntime: @escaping @Sendable (RunWorkflowSet) -> any Service,
        infrastructure: [any Service] = [], close: @escaping @Sendable () async -> Void = {}
    ) {
        self.syncRunner = syncRunner
        self.syncLock = syncLock
        self.definitions = definitions
        self.eventTypes = eventTypes
        self.schedules = schedules
        self.runs = runs
        self.events = events
        self.starter = starter
        self.manualRuns = manualRuns
        self.runCanceller = runCanceller
        self.runWorkflowEnds = runWorkflowEnds
        self.runReconcileLock = runReconcileLock
        self.publisher = publisher
        self.httpAction = httpAction
        self.appliedSchedules = appliedSchedules
        self.changeFeed = changeFeed
        self.adminTokens = adminTokens
        self.audit = audit
        self.httpTLS = httpTLS
        self.readinessChecks = readinessChecks
        self.describeError = describeError
        self.prepare = prepare
        self.workflowRuntime = workflowRuntime
        self.infrastructure = infrastructure
        self.close = close
    }
}
