import Coordination
import EventTypes

/// `/readyz` of the worker: each dependency's check answers within `timeout` (3 s), the event
/// source is receiving, and the startup work is done. A down change feed is a warning, not a
/// failure: changes other replicas sync then reach this one by the per-batch check only.
public struct ServiceReadiness: ReadinessProbe {
    public typealias Check = @Sendable () async throws -> Void

    /// By dependency name (`postgres`, `temporal`): a call that throws when it does not answer.
    let checks: [String: Check]
    let events: (any RouterEventSource)?
    let feed: (any ChangeFeed)?
    let startup: StartupGate
    let timeout: Duration
    /// An error as an operator reads it (a database error's server message).
    let describe: @Sendable (any Error) -> String

    public init(
        checks: [String: Check], events: (any RouterEventSource)?, feed: (any ChangeFeed)?, startup: StartupGate,
        timeout: Duration = .seconds(3), describe: @escaping @Sendable (any Error) -> String = { "\($0)" }
    ) {
        self.checks = checks
        self.events = events
        self.feed = feed
        self.startup = startup
        self.timeout = timeout
        self.describe = describe
    }

    public func failures() async -> [String: String] {
        var checks = self.checks
        if let events = self.events {
            checks["nats"] = {
                if let problem = await events.readinessProblem() { throw ReadinessError(problem) }
            }
        }
        var failures = await withTaskGroup(of: (String, String?).self) { group in
            for (name, check) in checks {
                group.addTask { (name, await self.run(check)) }
            }
            var failures: [String: String] = [:]
            for await (name, problem) in group {
                if let problem { failures[name] = problem }
            }
            return failures
        }
        if !self.startup.opened { failures["startup"] = "migrations and the startup sync are still running" }
        return failures
    }

    public func warnings() async -> [String] {
        var warnings: [String] = []
        if let warning = await self.events?.readinessWarning() { warnings.append("nats: \(warning)") }
        if let feed = self.feed, self.startup.opened, !feed.isListening {
            warnings.append(
                "postgres: the router's LISTEN connection is down; changes synced by other replicas are checked before each event batch until it is back"
            )
        }
        return warnings
    }

    var timeoutText: String {
        let (seconds, attoseconds) = self.timeout.components
        return attoseconds == 0 ? "\(seconds) s" : "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }

    /// nil when `check` finished in time, else why not.
    func run(_ check: @escaping Check) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await check()
                    return nil
                } catch {
                    return self.describe(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: self.timeout)
                return Task.isCancelled ? nil : "no answer within \(self.timeoutText)"
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
