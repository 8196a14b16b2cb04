import AdminAPI
import Coordination
import EventTypes
import Foundation
import Postgres
import PostgresNIO
import Temporal

/// `/readyz`: PostgreSQL, Temporal and NATS answer, and the event stream and consumer are in
/// place. Each check has 3 s.
public struct WorkerReadiness: ReadinessProbe {
    let database: ActivityDatabase
    let temporal: TemporalClient
    let events: (any RouterEventSource)?
    /// The router's LISTEN connection: while it is down, changes other replicas sync reach
    /// this one by the per-batch check only (a warning, not a failure).
    let listener: ListenerState?
    let startup: StartupGate

    public init(
        database: ActivityDatabase, temporal: TemporalClient, events: (any RouterEventSource)?,
        listener: ListenerState? = nil, startup: StartupGate
    ) {
        self.database = database
        self.temporal = temporal
        self.events = events
        self.listener = listener
        self.startup = startup
    }

    public func failures() async -> [String: String] {
        async let postgres = Self.check {
            _ = try await self.database.client.query("SELECT 1", logger: self.database.logger).collect()
        }
        async let temporal = Self.check { try await self.temporal.checkConnection() }
        async let nats: String? = Self.check {
            if let problem = await self.events?.readinessProblem() { throw ReadinessError(problem) }
        }
        var failures: [String: String] = [:]
        if let problem = await postgres { failures["postgres"] = problem }
        if let problem = await temporal { failures["temporal"] = problem }
        if let problem = await nats { failures["nats"] = problem }
        if !self.startup.opened { failures["startup"] = "migrations and the startup sync are still running" }
        return failures
    }

    public func warnings() async -> [String] {
        var warnings: [String] = []
        if let warning = await self.events?.readinessWarning() { warnings.append("nats: \(warning)") }
        if let listener = self.listener, self.startup.opened, !listener.isListening {
            warnings.append(
                "postgres: the router's LISTEN connection is down; changes synced by other replicas are checked before each event batch until it is back"
            )
        }
        return warnings
    }

    /// nil when `body` finished in time, else why not.
    static func check(_ body: @escaping @Sendable () async throws -> Void) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await body()
                    return nil
                } catch {
                    return DatabaseError.describe(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(3))
                return Task.isCancelled ? nil : "no answer within 3 s"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

struct ReadinessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
