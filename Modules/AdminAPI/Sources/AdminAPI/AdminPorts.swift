import CoreMetrics
import Definitions
import Foundation
import Runs
import Sync

/// What the admin API needs from the rest of the service; the Worker module supplies real
/// implementations, tests supply fakes.
public protocol AdminSyncing: Sendable {
    /// `allowEmpty`: `allow_empty=true`, the run may retire every live definition or
    /// delete/pause every owned schedule.
    /// `refresh`: `refresh=true`, every owned schedule is described and compared.
    func sync(_ stages: SyncStages, dryRun: Bool, allowEmpty: Bool, refresh: Bool, trigger: SyncTrigger) async throws
        -> SyncOutcome
    func status() -> SyncStatus
}

extension SyncService: AdminSyncing {}

/// Stored definitions with their schedule state, as the contract's JSON objects.
public protocol DefinitionCatalog: Sendable {
    func definitions() async throws -> [JSONValue]
}

/// Starts a manual run of a definition.
public protocol RunTriggering: Sendable {
    /// The workflow ID of the started run; nil when no live definition has this id.
    func trigger(activityID: String) async throws -> String?
}

/// Recent runs, newest first, as JSON objects.
public protocol RunHistory: Sendable {
    func runs(activityID: String?, limit: Int) async throws -> [JSONValue]
}

/// The parts the service depends on, checked for `/readyz`.
public protocol ReadinessProbe: Sendable {
    /// Each failing part with why; empty when everything answers.
    func failures() async -> [String: String]
    /// What works only in part and an operator should fix, without taking the service out
    /// of rotation (shown by a `200` `/readyz`).
    func warnings() async -> [String]
}

/// The Prometheus text page for `/metrics`.
public protocol MetricsExporter: Sendable {
    func render() async -> String
}

/// Everything the routes use.
public struct AdminDependencies: Sendable {
    public var sync: any AdminSyncing
    public var definitions: any DefinitionCatalog
    public var trigger: any RunTriggering
    /// `POST /admin/runs/{workflow_id}/cancel`.
    public var cancel: any RunCanceller
    public var runs: any RunHistory
    public var readiness: any ReadinessProbe
    public var metrics: any MetricsExporter
    /// The tokens `/admin` routes accept; none = admin routes refused with 403.
    public var tokens: AdminTokenSet
    /// Failed authentications per client address.
    public var throttle: AuthThrottle
    /// Where changing admin requests are recorded (`GET /admin/audit`).
    public var audit: any AuditLog
    /// Where `activity_admin_auth_failures_total` is counted.
    public var metricsFactory: any MetricsFactory
    /// When this process started (`/healthz`).
    public var startedAt: Date

    public init(
        sync: any AdminSyncing,
        definitions: any DefinitionCatalog,
        trigger: any RunTriggering,
        cancel: any RunCanceller,
        runs: any RunHistory,
        readiness: any ReadinessProbe,
        metrics: any MetricsExporter,
        tokens: AdminTokenSet,
        audit: any AuditLog = InMemoryAuditLog(),
        metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance,
        throttle: AuthThrottle = AuthThrottle(),
        startedAt: Date = Date()
    ) {
        self.sync = sync
        self.definitions = definitions
        self.trigger = trigger
        self.cancel = cancel
        self.runs = runs
        self.readiness = readiness
        self.metrics = metrics
        self.tokens = tokens
        self.audit = audit
        self.metricsFactory = metricsFactory
        self.throttle = throttle
        self.startedAt = startedAt
    }

    /// One admin token (`ACTIVITY_ADMIN_TOKEN`), or none.
    public init(
        sync: any AdminSyncing,
        definitions: any DefinitionCatalog,
        trigger: any RunTriggering,
        cancel: any RunCanceller,
        runs: any RunHistory,
        readiness: any ReadinessProbe,
        metrics: any MetricsExporter,
        adminToken: String?,
        audit: any AuditLog = InMemoryAuditLog(),
        startedAt: Date = Date()
    ) {
        let tokens = adminToken.map { [AdminToken(name: "ACTIVITY_ADMIN_TOKEN", secret: $0, role: .admin)] } ?? []
        self.init(
            sync: sync, definitions: definitions, trigger: trigger, cancel: cancel, runs: runs, readiness: readiness,
            metrics: metrics, tokens: AdminTokenSet(tokens: tokens), audit: audit, startedAt: startedAt)
    }
}

extension AdminDependencies: CustomStringConvertible, CustomReflectable {
    /// Never a token.
    public var description: String {
        "AdminDependencies(tokens: \(self.tokens))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["tokens": "\(self.tokens)"], displayStyle: .struct)
    }
}
