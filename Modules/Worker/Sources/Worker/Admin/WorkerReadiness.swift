import AdminAPI
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
    let startup: StartupGate

    public init(
        database: ActivityDatabase, temporal: TemporalClient, events: (any RouterEventSource)?, startup: StartupGate
    ) {
        self.database = database
        self.temporal = temporal
        self.events = events
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
        guard let warning = await self.events?.readinessWarning() else { return [] }
        return ["nats: \(warning)"]
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
