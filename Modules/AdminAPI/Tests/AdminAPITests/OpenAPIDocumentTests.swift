import AdminAPI
import Definitions
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Runs
import Testing
import Yams

/// `openapi.yaml` is the single description of the API: it names every route the router
/// serves and no other, and the worker serves it.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func document() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../openapi.yaml")
        return try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    }

    @Test("the document describes exactly the router's operations")
    func everyRoute() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where Self.methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        var logger = Logger(label: "openapi-tests")
        logger.logLevel = .warning
        let dependencies = AdminDependencies(
            sync: FakeSync(), definitions: FakeCatalog(), trigger: FakeTrigger(), cancel: FakeCancel(),
            runs: FakeRuns(),
            readiness: FakeReadiness(), metrics: FakeMetrics(), adminToken: AdminRoutesTests.token)
        let served = AdminRoutes.operations(dependencies, logger: logger)
        #expect(served.count == Set(served).count)
        #expect(
            Set(served) == documented,
            "served only: \(Set(served).subtracting(documented)), documented only: \(documented.subtracting(served))")
        #expect(served.count >= 9)
    }

    @Test("every /admin operation requires the bearer token; the probes and the document do not")
    func security() throws {
        let document = try Self.document()
        #expect((document["security"] as? [[String: Any]])?.first?["bearer"] != nil)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, operation) in item where Self.methods.contains(method) {
                let security = (operation as? [String: Any])?["security"] as? [Any]
                if path.hasPrefix("/admin/") {
                    #expect(security == nil, "\(method) \(path) must not override the bearer requirement")
                } else {
                    #expect(security?.isEmpty == true, "\(method) \(path) is open: security []")
                }
            }
        }
    }

    @Test(
        "the document and the console are served as their files, without a token",
        arguments: [
            ("/openapi.yaml", "openapi.yaml", "application/yaml"),
            ("/", "console/index.html", "text/html"),
            ("/console.css", "console/console.css", "text/css"),
            ("/console.js", "console/console.js", "text/javascript"),
        ])
    func served(path: String, file: String, contentType: String) async throws {
        let text = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../\(file)"), encoding: .utf8)
        try await AdminRoutesTests.app().test(.router) { client in
            try await client.execute(uri: path, method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix(contentType) == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(String(buffer: response.body) == text)
            }
        }
    }
}

@Suite("Undeclared methods")
struct UndeclaredMethodTests {
    @Test(
        "another method on a known path is 405 with Allow; an unknown path is 404; both JSON",
        arguments: [
            ("/healthz", HTTPRequest.Method.delete, HTTPResponse.Status.methodNotAllowed, String?("GET")),
            ("/admin/sync", .get, .methodNotAllowed, "POST"),
            ("/admin/definitions/digest/trigger", .get, .methodNotAllowed, "POST"),
            ("/admin/runs", .options, .methodNotAllowed, "GET"),
            ("/admin/nothing-here", .get, .notFound, nil),
            ("/admin/definitions/digest/trigger/more", .post, .notFound, nil),
        ])
    func undeclared(path: String, method: HTTPRequest.Method, status: HTTPResponse.Status, allow: String?)
        async throws
    {
        try await AdminRoutesTests.app().test(.router) { client in
            try await client.execute(uri: path, method: method, headers: AdminRoutesTests.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == status)
                #expect(response.headers[.allow] == allow)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect((try AdminRoutesTests.json(response.body)["error"] as? String)?.isEmpty == false)
            }
        }
    }
}

/// Stores and a run starter that fail, as PostgreSQL or Temporal down would.
struct FailingBackend: DefinitionCatalog, RunHistory, RunTriggering, RunCanceller {
    struct Down: Error {}
    func definitions() async throws -> [JSONValue] { throw Down() }
    func runs(activityID: String?, limit: Int) async throws -> [JSONValue] { throw Down() }
    func trigger(activityID: String) async throws -> String? { throw Down() }
    func cancel(workflowID: String) async throws -> RunCancelOutcome { throw Down() }
}

@Suite("Backend failures")
struct BackendFailureTests {
    @Test(
        "a failing store or Temporal is a JSON 503 naming what failed, as documented",
        arguments: [
            ("/admin/definitions", HTTPRequest.Method.get, "the definition store"),
            ("/admin/runs", .get, "the run history"),
            ("/admin/definitions/digest/trigger", .post, "starting the run"),
            ("/admin/runs/activity-digest:manual:1/cancel", .post, "cancelling the run"),
        ])
    func unavailable(path: String, method: HTTPRequest.Method, what: String) async throws {
        var logger = Logger(label: "backend-tests")
        logger.logLevel = .critical
        let dependencies = AdminDependencies(
            sync: FakeSync(), definitions: FailingBackend(), trigger: FailingBackend(), cancel: FailingBackend(),
            runs: FailingBackend(),
            readiness: FakeReadiness(), metrics: FakeMetrics(), adminToken: AdminRoutesTests.token)
        let app = Application(router: AdminRoutes.router(dependencies, logger: logger), logger: logger)
        try await app.test(.router) { client in
            try await client.execute(uri: path, method: method, headers: AdminRoutesTests.auth) {
                (response: TestResponse) async throws in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect((try AdminRoutesTests.json(response.body)["error"] as? String)?.hasPrefix(what) == true)
            }
        }
    }
}
