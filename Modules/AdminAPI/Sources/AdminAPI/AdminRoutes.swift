import Definitions
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Sync

/// The HTTP API of CONTRACT section 7 on a Hummingbird router.
public enum AdminRoutes {
    public static func router(_ dependencies: AdminDependencies, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: JSONErrorMiddleware())

        // The process's identity, so that an operator (and Tools/smoke) can tell a reload
        // from a restart.
        let health = Health(
            status: "ok", pid: Int(ProcessInfo.processInfo.processIdentifier),
            startedAt: dependencies.startedAt.formatted(.iso8601))
        router.get("healthz") { _, _ in JSONResponse.make(.ok, health) }
        router.get("readyz") { _, _ in
            let failures = await dependencies.readiness.failures()
            guard failures.isEmpty else {
                let parts = failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                return JSONResponse.error(.serviceUnavailable, "not ready: " + parts.joined(separator: "; "))
            }
            let warnings = await dependencies.readiness.warnings()
            guard !warnings.isEmpty else { return JSONResponse.make(.ok, ["status": "ready"]) }
            return JSONResponse.make(
                .ok, ["status": JSONValue.string("ready"), "warnings": .array(warnings.map(JSONValue.string))])
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await dependencies.metrics.render()))
            )
        }

        let admin = router.group("admin").add(middleware: BearerAuthMiddleware(token: dependencies.adminToken))
        admin.post("sync") { request, _ in
            try await Self.sync(request, dependencies.sync)
        }
        admin.get("sync/status") { _, _ in
            JSONResponse.make(.ok, dependencies.sync.status())
        }
        admin.get("definitions") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return JSONResponse.make(.ok, try await dependencies.definitions.definitions())
        }
        admin.post("definitions/:id/trigger") { _, context in
            let id = try context.parameters.require("id")
            guard let workflowID = try await dependencies.trigger.trigger(activityID: id) else {
                throw AdminError(.notFound, "no definition \"\(id)\"")
            }
            return JSONResponse.make(.ok, ["workflow_id": workflowID])
        }
        admin.get("runs") { request, _ in
            let query = try QueryParameters(request, allowed: ["activity_id", "limit"])
            let limit = try query.int("limit", default: 50, in: 1...1000)
            let activityID = query.string("activity_id")
            return JSONResponse.make(.ok, try await dependencies.runs.runs(activityID: activityID, limit: limit))
        }
        return router
    }

    /// `POST /admin/sync`: definitions and schedules on, event types opt-in, dry run off.
    static func sync(_ request: Request, _ service: any AdminSyncing) async throws -> Response {
        let query = try QueryParameters(
            request, allowed: ["definitions", "schedules", "event_types", "dry_run", "allow_empty", "refresh"])
        let stages = SyncStages(
            definitions: try query.bool("definitions", default: true),
            eventTypes: try query.bool("event_types", default: false),
            schedules: try query.bool("schedules", default: true)
        )
        guard !stages.isEmpty else {
            throw AdminError(.badRequest, "nothing to sync: definitions, schedules and event_types are all false")
        }
        let dryRun = try query.bool("dry_run", default: false)
        let allowEmpty = try query.bool("allow_empty", default: false)
        let refresh = try query.bool("refresh", default: false)
        let outcome: SyncOutcome
        do {
            outcome = try await service.sync(
                stages, dryRun: dryRun, allowEmpty: allowEmpty, refresh: refresh, trigger: .api)
        } catch let error as SyncServiceError {
            throw AdminError(.serviceUnavailable, error.description)
        }
        switch outcome {
        case .ran(let report): return JSONResponse.make(.ok, report)
        case .busy: throw AdminError(.conflict, "a sync is already running; try again when it has finished")
        }
    }
}

/// `GET /healthz`.
struct Health: Encodable, Sendable {
    var status: String
    var pid: Int
    var startedAt: String

    enum CodingKeys: String, CodingKey {
        case status, pid
        case startedAt = "started_at"
    }
}
