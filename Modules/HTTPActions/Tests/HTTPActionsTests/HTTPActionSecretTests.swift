import Definitions
import Foundation
import Outbound
import Runs
import TestSupport
import Testing

@testable import HTTPActions

/// `${secret:NAME}` header values (issue 26 item 2): filled in from `ACTIVITY_SECRETS_DIR` at
/// the request, never in the body, and a missing secret fails naming the reference only.
@Suite("http action: secret references", .timeLimit(.minutes(1)))
struct HTTPActionSecretTests {
    static let value = "S3CR3T-VALUE-7f1c"

    static func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    static func document(headers: [String: String]) -> JSONValue {
        .object([
            "activity_id": .string("hook"),
            "definition": .object([
                "id": .string("hook"),
                "action": .object([
                    "type": .string("http"), "headers": .object(headers.mapValues { JSONValue.string($0) }),
                ]),
            ]),
        ])
    }

    @Test("the value is read at the request; the body holds neither it nor the headers")
    func filledIn() async throws {
        let receiver = try await HTTPReceiver()
        let secrets = try Self.folder(["hook-token": Self.value + "\n", "team": "coulomb"])
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(
            clients: clients, policy: .loopbackAllowed, secrets: SecretDirectory(path: secrets))
        let headers = ["Authorization": "Bearer ${secret:hook-token}", "X-Team": "${secret:team}-${secret:team}"]
        let action = ActivityAction(kind: .http, url: receiver.url, headers: headers, timeoutSeconds: 10)
        _ = try await executor.execute(action, document: Self.document(headers: headers), workflowID: "wf-s1")
        let request = try #require(receiver.requests.first)
        #expect(request.headers["authorization"] == "Bearer \(Self.value)")
        #expect(request.headers["x-team"] == "coulomb-coulomb")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(!body.contains(Self.value) && !body.contains("secret:") && !body.contains("headers"), "\(body)")
        #expect(body.contains("\"type\":\"http\""), "the rest of the definition stays: \(body)")

        // Rotated on disk: the next request reads the new value.
        try "ROTATED-VALUE".write(toFile: secrets + "/hook-token", atomically: true, encoding: .utf8)
        _ = try await executor.execute(action, document: Self.document(headers: headers), workflowID: "wf-s2")
        #expect(receiver.requests.last?.headers["authorization"] == "Bearer ROTATED-VALUE")
        await clients.shutdown()
        await receiver.close()
    }

    @Test(
        "a reference that cannot be filled in fails without a retry and without a request, naming it",
        arguments: [
            ("${secret:missing}", "no readable file missing in ACTIVITY_SECRETS_DIR"),
            ("${secret:multi-line}", "line break or another control character"),
            ("${secret:empty}", "the file is empty"),
            ("${secret:folder}", "no readable file folder"),
        ])
    func unfilled(value: String, expected: String) async throws {
        let receiver = try await HTTPReceiver()
        let secrets = try Self.folder(["multi-line": "a\nb", "empty": ""])
        try FileManager.default.createDirectory(atPath: secrets + "/folder", withIntermediateDirectories: false)
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(
            clients: clients, policy: .loopbackAllowed, secrets: SecretDirectory(path: secrets))
        let action = ActivityAction(kind: .http, url: receiver.url, headers: ["X-Key": value], timeoutSeconds: 10)
        do {
            _ = try await executor.execute(action, document: .object([:]), workflowID: "wf-s3")
            Issue.record("the request was made")
        } catch let error as ActionError {
            #expect(error.retryable == false)
            #expect(error.message.contains("header X-Key: \(value)") && error.message.contains(expected), "\(error)")
        }
        #expect(receiver.count == 0 && clients.leaseCount == 0)
        let unset = HTTPActionExecutor(clients: clients, policy: .loopbackAllowed)
        await #expect(throws: ActionError.self) {
            try await unset.execute(action, document: .object([:]), workflowID: "wf-s4")
        }
        await clients.shutdown()
        await receiver.close()
    }

    @Test("NAME.hosts limits where a secret goes: another host fails without a request")
    func hostsFile() async throws {
        let receiver = try await HTTPReceiver()
        let secrets = try Self.folder(["hook-token": Self.value, "hook-token.hosts": "# where\nhooks.example\n"])
        let clients = HTTPActionClients(concurrentActions: 1)
        let executor = HTTPActionExecutor(
            clients: clients, policy: .loopbackAllowed, secrets: SecretDirectory(path: secrets))
        let action = ActivityAction(
            kind: .http, url: receiver.url, headers: ["Authorization": "Bearer ${secret:hook-token}"],
            timeoutSeconds: 10)
        do {
            _ = try await executor.execute(action, document: .object([:]), workflowID: "wf-h1")
            Issue.record("the secret went to a host its .hosts file does not list")
        } catch let error as ActionError {
            #expect(error.retryable == false)
            #expect(error.message.contains("may be sent only to the hosts in hook-token.hosts, not to 127.0.0.1"))
            #expect(!error.message.contains(Self.value))
        }
        #expect(receiver.count == 0)
        try "hooks.example\n127.0.0.1\n".write(toFile: secrets + "/hook-token.hosts", atomically: true, encoding: .utf8)
        _ = try await executor.execute(action, document: .object([:]), workflowID: "wf-h2")
        #expect(receiver.requests.first?.headers["authorization"] == "Bearer \(Self.value)")
        await clients.shutdown()
        await receiver.close()
    }

    @Test("references parse: text around them, several in one value; malformed ones are named")
    func parsing() {
        #expect(
            SecretReference.parse("Bearer ${secret:a.b_c-1}!")
                == .success([.text("Bearer "), .secret("a.b_c-1"), .text("!")]))
        #expect(SecretReference.names(in: "${secret:x}${secret:y}") == ["x", "y"])
        #expect(SecretReference.parse("plain $ {secret:x}") == .success([.text("plain $ {secret:x}")]))
        for bad in [
            "${secret:}", "${secret:a/b}", "${secret:..data}", "${secret:open", "${secret:a b}", "${secret:x.hosts}",
        ] {
            guard case .failure = SecretReference.parse(bad) else {
                Issue.record("\(bad) was accepted")
                continue
            }
        }
    }
}
