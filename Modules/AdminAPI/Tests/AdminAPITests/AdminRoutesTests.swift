import AdminAPI
import Definitions
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Sync
import Testing

@Suite("Admin API routes")
struct AdminRoutesTests {
    static let token = "s3cret-token"
    static var auth: HTTPFields { [.authorization: "Bearer \(Self.token)"] }

    static func app(
        sync: FakeSync = FakeSync(), runs: FakeRuns = FakeRuns(), readiness: FakeReadiness = FakeReadiness(),
        token: String? = Self.token
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "admin-tests")
        logger.logLevel = .warning
        let dependencies = AdminDependencies(
            sync: sync, definitions: FakeCatalog(), trigger: FakeTrigger(), cancel: FakeCancel(), runs: runs,
            readiness: readiness, metrics: FakeMetrics(), adminToken: token)
        return Application(router: AdminRoutes.router(dependencies, logger: logger), logger: logger)
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] ?? [:]
    }

    @Test("POST /admin/sync: defaults are definitions + schedules, no dry run; the contract's JSON")
    func syncDefaults() async throws {
        let sync = FakeSync()
        try await Self.app(sync: sync).test(.router) { client in
            try await client.execute(uri: "/admin/sync", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try Self.json(response.body)
                #expect(
                    Set(body.keys) == [
                        "ok", "dry_run", "started_at", "duration_ms", "definitions", "event_types", "schedules",
                        "changes", "errors", "errors_truncated", "warnings",
                    ])
                #expect(body["ok"] as? Bool == true)
                #expect(body["started_at"] as? String == "2026-06-18T15:52:33Z")
                #expect(body["event_types"] is NSNull)
                let changes = body["changes"] as? [[String: Any]]
                #expect(changes?.first?["action"] as? String == "create")
            }
        }
        let call = sync.calls.withLock { $0.first }
        #expect(call?.0 == SyncStages(definitions: true, eventTypes: false, schedules: true))
        #expect(call?.1 == false)
    }

    @Test(
        "POST /admin/sync parameters",
        arguments: [
            (
                "definitions=false&event_types=true", SyncStages(definitions: false, eventTypes: true, schedules: true),
                false
            ),
            ("schedules=0&dry_run=1", SyncStages(definitions: true, eventTypes: false, schedules: false), true),
            ("event_types=1&dry_run=true", SyncStages.all, true),
            (
                "definitions=true&schedules=false&event_types=false",
                SyncStages(definitions: true, eventTypes: false, schedules: false), false
            ),
        ])
    func syncParameters(query: String, stages: SyncStages, dryRun: Bool) async throws {
        let sync = FakeSync()
        try await Self.app(sync: sync).test(.router) { client in
            try await client.execute(uri: "/admin/sync?\(query)", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
        }
        let call = sync.calls.withLock { $0.first }
        #expect(call?.0 == stages)
        #expect(call?.1 == dryRun)
    }

    @Test(
        "POST /admin/sync refuses bad parameters with 400 naming them",
        arguments: [
            ("definitions=yes", "definitions"),
            ("dry_run=", "dry_run"),
            ("stages=all", "stages"),
            ("definitions=false&schedules=false", "nothing to sync"),
            ("definitions=false&schedules=false&event_types=false", "nothing to sync"),
            ("dry_run=true&dry_run=false", "twice"),
            ("allow_empty=maybe", "allow_empty"),
            ("refresh=yes", "refresh"),
            ("allow_empty=%00", "U+0000"),
        ])
    func syncBadParameters(query: String, named: String) async throws {
        let sync = FakeSync()
        try await Self.app(sync: sync).test(.router) { client in
            try await client.execute(uri: "/admin/sync?\(query)", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .badRequest)
                let message = try Self.json(response.body)["error"] as? String
                #expect(message?.contains(named) == true, "\(message ?? "")")
            }
        }
        #expect(sync.calls.withLock { $0.isEmpty })
    }

    @Test(
        "allow_empty and refresh reach the sync service; each is off unless given",
        arguments: [
            ("", false, false), ("allow_empty=true", true, false), ("allow_empty=1", true, false),
            ("allow_empty=false", false, false), ("refresh=true", false, true), ("refresh=0", false, false),
            ("allow_empty=true&refresh=1", true, true),
        ])
    func flags(query: String, allowEmpty: Bool, refresh: Bool) async throws {
        let sync = FakeSync()
        try await Self.app(sync: sync).test(.router) { client in
            try await client.execute(uri: "/admin/sync?\(query)", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
        }
        #expect(sync.allowEmpty.withLock { $0 } == [allowEmpty])
        #expect(sync.refresh.withLock { $0 } == [refresh])
    }

    @Test("a query value the database cannot take is 400: U+0000 or over 1,000 characters")
    func queryValueBounds() async throws {
        try await Self.app().test(.router) { client in
            for query in ["activity_id=a%00b", "activity_id=" + String(repeating: "x", count: 1_001)] {
                try await client.execute(uri: "/admin/runs?\(query)", method: .get, headers: Self.auth) {
                    (response: TestResponse) async throws in
                    #expect(response.status == .badRequest)
                    let message = try Self.json(response.body)["error"] as? String
                    #expect(message?.contains("activity_id") == true)
                }
            }
            try await client.execute(
                uri: "/admin/runs?activity_id=" + String(repeating: "x", count: 1_000), method: .get,
                headers: Self.auth
            ) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("a sync already running answers 409; an unreachable lock 503")
    func busyAndDown() async throws {
        try await Self.app(sync: FakeSync(.busy)).test(.router) { client in
            try await client.execute(uri: "/admin/sync", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .conflict)
                #expect((try Self.json(response.body)["error"] as? String)?.contains("already running") == true)
            }
        }
        try await Self.app(sync: FakeSync(.lockDown)).test(.router) { client in
            try await client.execute(uri: "/admin/sync", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .serviceUnavailable)
                #expect((try Self.json(response.body)["error"] as? String)?.contains("sync lock") == true)
            }
        }
    }

    @Test("admin routes: 401 without or with a wrong token, 403 when none is configured")
    func authentication() async throws {
        let sync = FakeSync()
        try await Self.app(sync: sync).test(.router) { client in
            for headers: HTTPFields in [
                [:], [.authorization: "Bearer wrong"], [.authorization: "Bearer \(Self.token)x"],
                [.authorization: Self.token], [.authorization: "Basic \(Self.token)"],
            ] {
                for (uri, method) in [
                    ("/admin/sync", HTTPRequest.Method.post), ("/admin/sync/status", .get),
                    ("/admin/definitions", .get),
                    ("/admin/runs", .get), ("/admin/definitions/digest/trigger", .post),
                    ("/admin/runs/activity-digest:manual:running/cancel", .post),
                ] {
                    try await client.execute(uri: uri, method: method, headers: headers) {
                        (response: TestResponse) async throws in
                        #expect(response.status == .unauthorized, "\(uri) \(headers)")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer")
                        let body = String(buffer: response.body)
                        #expect(!body.contains(Self.token))
                        #expect(try Self.json(response.body)["error"] != nil)
                    }
                }
            }
        }
        #expect(sync.calls.withLock { $0.isEmpty })
        try await Self.app(token: nil).test(.router) { client in
            try await client.execute(uri: "/admin/sync", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .forbidden)
                #expect(
                    try Self.json(response.body)["error"] as? String
                        == "admin API disabled: set ACTIVITY_ADMIN_TOKEN or ACTIVITY_ADMIN_TOKEN_FILE")
            }
        }
    }

    @Test(
        "cancel: 202 when asked, 404 for a workflow that is no run, 409 for a run that has ended, 400 for a query",
        arguments: [
            ("activity-digest:manual:running", 202, "cancel_requested"),
            // As the console sends it (encodeURIComponent): decoded before it is used.
            ("activity-digest%3Amanual%3Arunning", 202, "cancel_requested"),
            ("activity-digest%2Fodd%3Adone", 409, "has ended already (completed)"),
            ("bad%ZZencoding", 400, "percent-encoded"),
            ("someone-elses-workflow", 404, "no run with workflow ID"),
            ("activity-digest:manual:done", 409, "has ended already (completed)"),
        ])
    func cancel(workflowID: String, status: Int, text: String) async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/admin/runs/\(workflowID)/cancel", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status.code == status)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try Self.json(response.body)
                if status == 202 {
                    #expect(body["workflow_id"] as? String == workflowID.removingPercentEncoding)
                    #expect(body["status"] as? String == text)
                } else {
                    #expect((body["error"] as? String)?.contains(text) == true, "\(body)")
                }
            }
            try await client.execute(
                uri: "/admin/runs/\(workflowID)/cancel?now=1", method: .post, headers: Self.auth
            ) { (response: TestResponse) async throws in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("status, definitions, trigger (404 for an unknown id), runs with limits")
    func queries() async throws {
        let runs = FakeRuns()
        try await Self.app(runs: runs).test(.router) { client in
            try await client.execute(uri: "/admin/sync/status", method: .get, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(
                    Set(try Self.json(response.body).keys) == [
                        "running", "interval_seconds", "last_started_at", "last_success_at", "last_error",
                        "last_result", "last_trigger",
                    ])
            }
            try await client.execute(uri: "/admin/definitions", method: .get, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
                let list = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                #expect(list?.first?["id"] as? String == "digest")
            }
            try await client.execute(uri: "/admin/definitions/digest/trigger", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(try Self.json(response.body)["workflow_id"] as? String == "activity-digest:manual:1")
            }
            try await client.execute(uri: "/admin/definitions/nope/trigger", method: .post, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .notFound)
                #expect((try Self.json(response.body)["error"] as? String)?.contains("nope") == true)
            }
            try await client.execute(uri: "/admin/runs?activity_id=digest&limit=5", method: .get, headers: Self.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
            #expect(runs.asked.withLock { $0?.0 } == "digest")
            #expect(runs.asked.withLock { $0?.1 } == 5)
            try await client.execute(uri: "/admin/runs", method: .get, headers: Self.auth) { _ in }
            #expect(runs.asked.withLock { $0?.0 } == nil)
            #expect(runs.asked.withLock { $0?.1 } == 50)
            for bad in ["limit=0", "limit=abc", "limit=100000", "activity=digest"] {
                try await client.execute(uri: "/admin/runs?\(bad)", method: .get, headers: Self.auth) {
                    (response: TestResponse) async throws in
                    #expect(response.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test("healthz, readyz naming what fails, metrics as Prometheus text, JSON 404s, request ids")
    func probes() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                let health = try Self.json(response.body)
                #expect(health["pid"] as? Int == Int(ProcessInfo.processInfo.processIdentifier))
                #expect(health["started_at"] is String)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/readyz", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                let ready = try Self.json(response.body)
                #expect(ready["status"] as? String == "ready")
                #expect(ready["warnings"] == nil)
            }
            try await client.execute(uri: "/metrics", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(String(buffer: response.body).contains("activity_sync_runs_total"))
            }
            try await client.execute(
                uri: "/nowhere", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "abc-123"]
            ) { (response: TestResponse) async throws in
                #expect(response.status == .notFound)
                #expect(try Self.json(response.body)["error"] != nil)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
            }
        }
        let partial = FakeReadiness(warning: ["nats: subject a.b is not in stream S"])
        try await Self.app(readiness: partial).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                let ready = try Self.json(response.body)
                #expect(ready["status"] as? String == "ready")
                #expect(ready["warnings"] as? [String] == ["nats: subject a.b is not in stream S"])
            }
        }
        let down = FakeReadiness(failing: ["nats": "connection refused", "temporal": "unavailable"])
        try await Self.app(readiness: down).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .serviceUnavailable)
                #expect(
                    try Self.json(response.body)["error"] as? String
                        == "not ready: nats: connection refused; temporal: unavailable")
            }
        }
    }
}
