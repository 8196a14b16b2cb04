import Definitions
import Foundation
import Outbound
import Runs
import Synchronization
import TestSupport
import Testing

@testable import HTTPActions

/// Answers from a table and counts the questions; nothing here asks a name server.
final class TableResolver: HostResolver {
    let answers: [String: [String]]
    let questions = Mutex<[String]>([])

    init(_ answers: [String: [String]]) {
        self.answers = answers
    }

    var asked: [String] { self.questions.withLock { $0 } }

    func addresses(of host: String) async throws -> [IPAddress] {
        self.questions.withLock { $0.append(host) }
        guard let texts = self.answers[host] else { throw HostResolutionError(host: host, reason: "unknown") }
        return texts.compactMap(IPAddress.init)
    }
}

/// The executor and the outbound policy (issue 26 item 1): refusals happen before any client
/// is handed out (so no socket is opened), a name reaches the address that was checked, and
/// each redirect hop is checked again. Receivers listen on loopback only.
@Suite("http action: outbound policy", .timeLimit(.minutes(1)))
struct HTTPActionPolicyTests {
    static func action(_ url: String, redirects: Int = 0, headers: [String: String] = [:]) -> ActivityAction {
        ActivityAction(kind: .http, url: url, headers: headers, maxRedirects: redirects, timeoutSeconds: 10)
    }

    static func refusal(_ executor: HTTPActionExecutor, _ action: ActivityAction) async -> ActionError? {
        do {
            _ = try await executor.execute(action, document: .object([:]), workflowID: "wf-1")
            return nil
        } catch {
            return error as? ActionError
        }
    }

    @Test(
        "metadata, private and loopback targets are refused before any socket, without a retry",
        arguments: [
            ("http://metadata.example/latest/meta-data/", "169.254.169.254", "link-local"),
            ("http://internal.example:8080/admin", "10.0.0.1", "private"),
            ("http://10.0.0.1/hook", "10.0.0.1", "private"),
            ("http://[fd00::7]/hook", "fd00::7", "private"),
            ("https://rebind.example/", "127.0.0.1", "loopback"),
            ("http://169.254.169.254/computeMetadata/v1/", "169.254.169.254", "link-local"),
            ("http://[::ffff:169.254.169.254]/", "169.254.169.254", "link-local"),
        ])
    func refusedBeforeConnecting(url: String, address: String, rule: String) async throws {
        let resolver = TableResolver([
            "metadata.example": ["169.254.169.254"], "internal.example": ["10.0.0.1"], "rebind.example": ["127.0.0.1"],
        ])
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(clients: clients, policy: OutboundPolicy(), resolver: resolver)
        let error = try #require(await Self.refusal(executor, Self.action(url)))
        #expect(error.retryable == false)
        #expect(error.message.contains("refused") && error.message.contains(rule), "\(error)")
        #expect(error.message.contains(address), "\(error)")
        #expect(clients.leaseCount == 0, "a client was handed out for a refused target")
        await clients.shutdown()
    }

    @Test("a name reaches the address that was checked: one lookup, no second one by the connection")
    func pinnedToCheckedAddress() async throws {
        let receiver = try await HTTPReceiver()
        // `hook.test` exists only in this table: a lookup of the connection's own would fail.
        let resolver = TableResolver(["hook.test": ["127.0.0.1"]])
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(clients: clients, policy: .loopbackAllowed, resolver: resolver)
        let result = try await executor.execute(
            Self.action("http://hook.test:\(receiver.port)/hook"), document: .object(["n": .integer(1)]),
            workflowID: "wf-2")
        #expect(result.objectValue?["status"] == .integer(200), "\(result)")
        #expect(resolver.asked == ["hook.test"])
        let request = try #require(receiver.requests.first)
        #expect(request.headers["host"] == "hook.test:\(receiver.port)")
        #expect(request.headers["idempotency-key"] == "wf-2")
        await clients.shutdown()
        await receiver.close()
    }

    @Test("a redirect hop to a refused address is refused; nothing reaches it")
    func refusedHop() async throws {
        let resolver = TableResolver(["internal.example": ["10.0.0.5"]])
        let redirector = try await HTTPReceiver(statuses: [307], reply: .redirect(to: "http://internal.example/x"))
        let clients = HTTPActionClients(concurrentActions: 1)
        let policy = try OutboundPolicy(parsing: "127.0.0.1")
        let executor = HTTPActionExecutor(clients: clients, policy: policy, resolver: resolver)
        let error = try #require(await Self.refusal(executor, Self.action(redirector.url, redirects: 5)))
        #expect(error.retryable == false)
        #expect(error.message.contains("redirect 1 to http://internal.example/x refused"), "\(error)")
        #expect(error.message.contains("10.0.0.5") && error.message.contains("private"), "\(error)")
        #expect(!error.message.contains("REDIRECT-BODY"))
        #expect(clients.leaseCount == 1, "only the first request was sent")
        #expect(redirector.count == 1)
        await clients.shutdown()
        await redirector.close()
    }

    @Test("without max_redirects a redirect fails the run; a hop to another origin drops the action's headers")
    func redirects() async throws {
        let final = try await HTTPReceiver(host: "127.0.0.2")
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(clients: clients, policy: .loopbackAllowed, resolver: TableResolver([:]))
        let away = try await HTTPReceiver(statuses: [307], reply: .redirect(to: final.url))
        let unasked = try #require(await Self.refusal(executor, Self.action(away.url, headers: ["X-Token": "t0k"])))
        #expect(unasked.retryable == false)
        #expect(unasked.message.contains("max_redirects (0)") && unasked.message.contains("307"), "\(unasked)")
        #expect(final.count == 0)

        let result = try await executor.execute(
            Self.action(away.url, redirects: 1, headers: ["X-Token": "t0k"]), document: .object([:]),
            workflowID: "wf-3")
        #expect(result.objectValue?["status"] == .integer(200))
        let arrived = try #require(final.requests.first)
        #expect(arrived.headers["x-token"] == nil, "the action's header followed a hop to another origin")
        #expect(arrived.headers["idempotency-key"] == "wf-3")
        #expect(arrived.method == "POST" && !arrived.body.isEmpty, "a 307 repeats the request")
        #expect(away.requests.first?.headers["x-token"] == "t0k")
        await away.close()
        await final.close()
        await clients.shutdown()
    }

    @Test("a 303 continues as a GET without the body; a hop past max_redirects fails")
    func seeOther() async throws {
        let final = try await HTTPReceiver()
        let second = try await HTTPReceiver(statuses: [303], reply: .redirect(to: final.url))
        let first = try await HTTPReceiver(statuses: [302], reply: .redirect(to: second.url))
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(clients: clients, policy: .loopbackAllowed, resolver: TableResolver([:]))
        let tooFar = try #require(await Self.refusal(executor, Self.action(first.url, redirects: 1)))
        #expect(tooFar.message.contains("max_redirects (1)"), "\(tooFar)")
        #expect(final.count == 0)
        _ = try await executor.execute(Self.action(first.url, redirects: 2), document: .object([:]), workflowID: "wf-4")
        let arrived = try #require(final.requests.first)
        #expect(arrived.method == "GET" && arrived.body.isEmpty)
        for receiver in [first, second, final] { await receiver.close() }
        await clients.shutdown()
    }
}
