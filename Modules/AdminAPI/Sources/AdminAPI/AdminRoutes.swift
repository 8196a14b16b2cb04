import Definitions
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Sync

/// The HTTP API of CONTRACT section 7 on a Hummingbird router.
public enum AdminRoutes {
    public static func router(_ dependencies: AdminDependencies, logger: Logger) -> Router<AdminRequestContext> {
        self.build(dependencies, logger: logger).router
    }

    /// Every operation the router serves, `METHOD /path` with path parameters as `{id}`: what
    /// the OpenAPI document must describe, no more and no less (a test compares them).
    public static func operations(_ dependencies: AdminDependencies, logger: Logger) -> [String] {
        self.build(dependencies, logger: logger).operations
    }

    typealias Handler = @Sendable (Request, AdminRequestContext) async throws -> Response

    static func build(_ dependencies: AdminDependencies, logger: Logger) -> (
        router: Router<AdminRequestContext>, operations: [String]
    ) {
        let router = Router(context: AdminRequestContext.self)
        router.add(middleware: RequestLogMiddleware(logger: logger))
        // Outside the error middleware: it sees the answer an error became.
        router.add(middleware: NoStoreMiddleware())
        let known = KnownOperations()
        router.add(middleware: JSONErrorMiddleware(known: known))
        let admin = router.group("admin")
            .add(
                middleware: BearerAuthMiddleware(
                    tokens: dependencies.tokens, throttle: dependencies.throttle, metrics: dependencies.metricsFactory)
            )
            .add(middleware: AuditMiddleware(log: dependencies.audit, logger: logger))
        var operations: [String] = []
        // Probes and scrapers: no auth, and a query string never fails them.
        func open(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
            router.on(RouterPath(path), method: method, use: handler)
            operations.append("\(method) /\(path)")
        }
        func guarded(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
            admin.on(RouterPath(path), method: method, use: handler)
            let documented = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }
            operations.append("\(method) /admin/\(documented.joined(separator: "/"))")
        }

        // The process's identity, so that an operator (and Tools/smoke) can tell a reload
        // from a restart.
        let health = Health(
            status: "ok", pid: Int(ProcessInfo.processInfo.processIdentifier),
            startedAt: dependencies.startedAt.formatted(.iso8601))
        open(.get, "healthz") { _, _ in
            JSONResponse.make(.ok, health)
        }
        open(.get, "readyz") { _, _ in
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
        open(.get, "metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await dependencies.metrics.render()))
            )
        }
        for asset in EmbeddedAssets.routes {
            let body = EmbeddedAssets.files[asset.file] ?? ""
            open(.get, asset.path) { _, _ in
                Response(
                    status: .ok,
                    headers: [
                        .contentType: asset.contentType,
                        // The console's page runs only its own script and styles.
                        .contentSecurityPolicy:
                            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                        .xContentTypeOptions: "nosniff",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: body))
                )
            }
        }

        guarded(.post, "sync") { request, context in
            try await Self.sync(request, dependencies.sync, audit: context.auditOutcome)
        }
        guarded(.get, "sync/status") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            return JSONResponse.make(.ok, dependencies.sync.status())
        }
        guarded(.get, "definitions") { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let definitions = try await Self.backend("the definition store", logger) {
                try await dependencies.definitions.definitions()
            }
            return JSONResponse.make(.ok, definitions)
        }
        guarded(.post, "definitions/:id/trigger") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            let started = try await Self.backend("starting the run", logger) {
                try await dependencies.trigger.trigger(activityID: id)
            }
            guard let workflowID = started else {
                throw AdminError(.notFound, "no definition \"\(id)\"")
            }
            context.auditOutcome?.set(.object(["workflow_id": .string(workflowID)]))
            return JSONResponse.make(.ok, ["workflow_id": workflowID])
        }
        guarded(.post, "runs/:workflow_id/cancel") { request, context in
            _ = try QueryParameters(request, allowed: [])
            // Workflow IDs hold ':' (and event IDs may hold '/'): clients percent-encode them, and
            // path parameters arrive as sent.
            guard let workflowID = try context.parameters.require("workflow_id").removingPercentEncoding,
                !workflowID.isEmpty
            else {
                throw AdminError(.badRequest, "workflow_id is not a valid percent-encoded string")
            }
            let outcome = try await Self.backend("cancelling the run", logger) {
                try await dependencies.cancel.cancel(workflowID: workflowID)
            }
            switch outcome {
            case .requested:
                context.auditOutcome?.set(
                    .object(["workflow_id": .string(workflowID), "status": .string("cancel_requested")]))
                return JSONResponse.make(.accepted, ["workflow_id": workflowID, "status": "cancel_requested"])
            case .notFound:
                throw AdminError(.notFound, "no run with workflow ID \"\(workflowID)\"")
            case .alreadyClosed(let status):
                throw AdminError(.conflict, "the run \"\(workflowID)\" has ended already (\(status))")
            }
        }
        guarded(.get, "runs") { request, _ in
            let query = try QueryParameters(request, allowed: ["activity_id", "limit"])
            let limit = try query.int("limit", default: 50, in: 1...1000)
            let activityID = query.string("activity_id")
            let runs = try await Self.backend("the run history", logger) {
                try await dependencies.runs.runs(activityID: activityID, limit: limit)
            }
            return JSONResponse.make(.ok, runs)
        }
        guarded(.get, "audit") { request, context in
            guard context.tokenRole == .admin else {
                throw AdminError(.forbidden, "the audit needs an admin token")
            }
            let query = try QueryParameters(request, allowed: ["limit"])
            let limit = try query.int("limit", default: 50, in: 1...1000)
            let entries = try await Self.backend("the audit", logger) {
                try await dependencies.audit.recent(limit: limit)
            }
            return JSONResponse.make(.ok, entries.map(Self.json))
        }
        known.set(operations)
        return (router, operations)
    }

    /// A store or Temporal that fails is a 503 naming what failed (details in the log), as the
    /// OpenAPI document says; a refusal keeps its own status.
    static func backend<Value: Sendable>(
        _ what: String, _ logger: Logger, _ body: () async throws -> Value
    ) async throws -> Value {
        do {
            return try await body()
        } catch let error as AdminError {
            throw error
        } catch {
            logger.error("admin request failed", metadata: ["failed": "\(what)", "error": "\(error)"])
            throw AdminError(.serviceUnavailable, "\(what) is unavailable; see the server log")
        }
    }

    /// An audit entry as the API shows it.
    static func json(_ entry: AuditEntry) -> JSONValue {
        .object([
            "at": .string(entry.at.formatted(.iso8601)), "token_name": .string(entry.tokenName),
            "client": .string(entry.client), "method": .string(entry.method), "path": .string(entry.path),
            "parameters": .object(entry.parameters.mapValues(JSONValue.string)),
            "status": .integer(Int64(entry.status)), "outcome": entry.outcome,
        ])
    }

    /// What the audit keeps of a sync: its counts, not its list of changes.
    static func summary(_ report: SyncReport) -> JSONValue {
        guard let full = try? JSONValue.parse(JSONResponse.encode(report)), var object = full.objectValue else {
            return .null
        }
        let errors = object["errors"]?.arrayValue?.count ?? 0
        let changes = object["changes"]?.arrayValue?.count ?? 0
        object = object.filter { ["ok", "dry_run", "definitions", "event_types", "schedules"].contains($0.key) }
        object["errors"] = .integer(Int64(errors))
        object["changes"] = .integer(Int64(changes))
        return .object(object)
    }

    /// `POST /admin/sync`: definitions and schedules on, event types opt-in, dry run off.
    static func sync(_ request: Request, _ service: any AdminSyncing, audit: AuditOutcome? = nil) async throws
        -> Response
    {
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
        case .ran(let report):
            audit?.set(Self.summary(report))
            return JSONResponse.make(.ok, report)
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
