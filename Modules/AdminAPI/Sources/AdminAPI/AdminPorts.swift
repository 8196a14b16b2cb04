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
    /// `ACTIVITY_ADMIN_TOKEN`; nil = admin routes refused with 403.
    public var adminToken: String?
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
        adminToken: String?,
        startedAt: Date = Date()
    ) {
        self.sync = sync
        self.definitions = definitions
        self.trigger = trigger
        self.cancel = cancel
        self.runs = runs
        self.readiness = readiness
        self.metrics = metrics
        self.adminToken = adminToken
        self.startedAt = startedAt
    }
}

extension AdminDependencies: CustomStringConvertible, CustomReflectable {
    /// Never the admin token.
    public var description: String {
        "AdminDependencies(adminToken: \(self.adminToken == nil ? "unset" : "<redacted>"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["adminToken": self.adminToken == nil ? "unset" : "<redacted>"], displayStyle: .struct)
    }
}
