import Definitions
import Foundation
import NATS
import NIOCore
import Temporal
import TestSupport
import Testing

extension TemporalWorkerSuites {
    /// Issue 24, cancellation and leases, through a running worker against the dev server: a
    /// cancel request reaches a held http action within a heartbeat, the run ends `cancelled` and
    /// the workflow CANCELED; an attempt whose workflow was terminated stops locally.
    // One at a time: each runs a worker and holds an action, and the suites around them run too.
    @Suite("Run cancellation against the real services", .serialized, .timeLimit(.minutes(5)))
    struct RunCancelIntegrationTests {
        /// An http action the receiver holds far longer than the test waits.
        static func held(_ id: String, url: String) -> String {
            """
            id: \(id)
            action:
              type: http
              url: "\(url)"
              timeout_seconds: 120
              retry: {max_attempts: 1}

            """
        }

        /// Polls the workflow until `done` holds for its status, for at most `timeout`.
        static func workflowStatus(
            _ workflowID: String, timeout: Duration = .seconds(20),
            until done: @escaping @Sendable (WorkflowExecutionSummary.Status?) -> Bool
        ) async throws -> WorkflowExecutionSummary.Status? {
            try await TestTemporal.withClient { client in
                let deadline = ContinuousClock.now + timeout
                var status = try await client.describeWorkflow(id: workflowID)?.status
                while !done(status) && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    status = try await client.describeWorkflow(id: workflowID)?.status
                }
                return status
            }
        }

        /// A worker over `files`, with the receiver that holds its requests.
        static func withHeldWorker(
            extra: [String: String] = [:],
            _ body: (WorkerUnderTest, HTTPReceiver, [String: String]) async throws -> Void
        ) async throws {
            let receiver = try await HTTPReceiver(delay: .seconds(90))
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("held.yaml", Self.held("held", url: receiver.url))
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path, extra: extra)
            let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token-\(schema)")
            var failure: (any Error)?
            do {
                try await body(worker, receiver, environment)
            } catch {
                failure = error
            }
            worker.process.terminate()
            await receiver.close()
            if let failure { throw failure }
        }

        /// Triggers the held definition and waits until its request reached the receiver.
        static func startHeldRun(_ worker: WorkerUnderTest, _ receiver: HTTPReceiver) async throws -> String {
            // Counted before the trigger: the request may arrive before its answer does.
            let before = receiver.count
            let triggered = try await worker.call(.POST, "/admin/definitions/held/trigger")
            try #require(triggered.status == 200, "\(triggered.text)")
            let workflowID = try #require(triggered.json["workflow_id"] as? String)
            let requests = try await receiver.waitForRequests(before + 1)
            try #require(
                requests.count == before + 1, "the action never reached the receiver: \(worker.logText.suffix(2_000))")
            return workflowID
        }

        @Test(
            "POST /admin/runs/{id}/cancel: the held request is abandoned within a heartbeat, the run cancelled, the workflow CANCELED"
        )
        func cancelHeldAction() async throws {
            let nats = try NATSConfiguration(urls: NATSClientIntegrationTests.urls)
            let listener = try await NATSClient.connect(configuration: nats, logger: TestDatabase.logger)
            let completions = try await listener.subscribe("org.activity.run.completed")
            try await listener.flush()
            try await Self.withHeldWorker { worker, receiver, _ in
                let workflowID = try await Self.startHeldRun(worker, receiver)
                let asked = ContinuousClock.now
                let cancel = try await worker.call(.POST, "/admin/runs/\(workflowID)/cancel")
                #expect(cancel.status == 202, "\(cancel.text)")
                #expect(cancel.json["status"] as? String == "cancel_requested")

                let status = try await Self.workflowStatus(workflowID) { $0 == .canceled }
                let elapsed = ContinuousClock.now - asked
                print("cancel requested -> workflow CANCELED: \(elapsed)")
                #expect(status == .canceled, "\(worker.logText.suffix(3_000))")
                // The contract's bound is on the action (below). The workflow ends after three
                // more workflow tasks and FinishRun, each waiting its turn on a dev server that a
                // full test run keeps busy (measured 10.8 s and 18.3 s in two full runs).
                #expect(elapsed < .seconds(30), "CANCELED after \(elapsed)")
                // The action's connection was closed by the worker, not answered: within one
                // heartbeat interval (10 s) of the workflow task that asked for the cancel.
                let closed = try #require(receiver.closes.first, "the held connection was never closed")
                print("cancel requested -> held connection closed: \(closed - asked)")
                #expect(closed - asked < .seconds(15))

                let runs = try await worker.runs(of: "held") { $0.first?["status"] as? String == "cancelled" }
                #expect(runs.first?["status"] as? String == "cancelled", "\(runs)")
                #expect(runs.first?["workflow_id"] as? String == workflowID)
                #expect(try await worker.metric(#"activity_runs_total{result="cancelled"}"#) == 1)
                for await completion in completions {
                    let envelope = try JSONValue.parse(Data(buffer: completion.payload))
                    guard envelope["attributes"]?["workflow_id"] == .string(workflowID) else { continue }
                    #expect(envelope["attributes"]?["status"] == .string("cancelled"))
                    break
                }

                // A run that has ended, and a workflow that is none of ours.
                let again = try await worker.call(.POST, "/admin/runs/\(workflowID)/cancel")
                #expect(again.status == 409, "\(again.text)")
                #expect(again.text.contains("canceled"), "\(again.text)")
                let unknown = try await worker.call(.POST, "/admin/runs/no-such-workflow-\(UUID().uuidString)/cancel")
                #expect(unknown.status == 404, "\(unknown.text)")
                // Another workflow of the namespace is none of activity-core's: never cancelled.
                let foreign = "it-foreign:\(UUID().uuidString)"
                try await TestTemporal.withClient { client in
                    _ = try await client.startWorkflow(
                        id: foreign, type: "SomeoneElsesWorkflow", taskQueue: "it-nobody-polls-\(UUID().uuidString)",
                        input: Data("null".utf8))
                }
                let refused = try await worker.call(
                    .POST,
                    "/admin/runs/\(foreign.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")/cancel")
                #expect(refused.status == 404, "\(refused.text)")
                let foreignStatus = try await TestTemporal.withClient { client in
                    let status = try await client.describeWorkflow(id: foreign)?.status
                    try await client.terminateWorkflow(id: foreign, reason: "integration test cleanup")
                    return status
                }
                #expect(foreignStatus == .running)
                #expect(receiver.count == 1, "the action ran again")
            }
            await listener.close()
        }

        @Test("activity-core cancel WORKFLOW_ID: exit 0 and the run ends cancelled; exit 1 once it has ended")
        func cancelCommand() async throws {
            try await Self.withHeldWorker { worker, receiver, environment in
                let workflowID = try await Self.startHeldRun(worker, receiver)
                let outcome = try await ActivityCoreProcess.run(
                    ["cancel", workflowID], environment: environment, timeout: .seconds(30))
                #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
                #expect(outcome.stdout.contains("cancel requested for \(workflowID)"))
                let status = try await Self.workflowStatus(workflowID) { $0 == .canceled }
                #expect(status == .canceled)
                let runs = try await worker.runs(of: "held") { $0.first?["status"] as? String == "cancelled" }
                #expect(runs.first?["status"] as? String == "cancelled", "\(runs)")
                let again = try await ActivityCoreProcess.run(
                    ["cancel", workflowID], environment: environment, timeout: .seconds(30))
                #expect(again.status == 1)
                #expect(again.stderr.contains("has ended already (canceled)"), "\(again.stderr)")
            }
        }

        @Test("a cancel asked of Temporal itself (temporal workflow cancel) ends the run cancelled as well")
        func cancelThroughTemporal() async throws {
            try await Self.withHeldWorker { worker, receiver, _ in
                let workflowID = try await Self.startHeldRun(worker, receiver)
                let asked = ContinuousClock.now
                try await TestTemporal.withClient { client in
                    try await client.requestCancelWorkflow(id: workflowID, reason: "integration test")
                }
                let status = try await Self.workflowStatus(workflowID) { $0 == .canceled }
                #expect(status == .canceled, "\(worker.logText.suffix(3_000))")
                print("cancel through Temporal -> workflow CANCELED: \(ContinuousClock.now - asked)")
                #expect(ContinuousClock.now - asked < .seconds(15))
                #expect(receiver.closes.count == 1)
                let runs = try await worker.runs(of: "held") { $0.first?["status"] as? String == "cancelled" }
                #expect(runs.first?["status"] as? String == "cancelled", "\(runs)")
            }
        }

        @Test(
            "a terminated workflow: its attempt stops locally at the next heartbeat, the reconciler records the run terminated"
        )
        func terminatedStopsAttempt() async throws {
            try await Self.withHeldWorker(extra: ["ACTIVITY_RUN_RECONCILE_SECONDS": "2"]) { worker, receiver, _ in
                let workflowID = try await Self.startHeldRun(worker, receiver)
                let terminated = ContinuousClock.now
                try await TestTemporal.withClient { client in
                    try await client.terminateWorkflow(id: workflowID, reason: "integration test")
                }
                var closed = receiver.closes.first
                while closed == nil && ContinuousClock.now - terminated < .seconds(20) {
                    try await Task.sleep(for: .milliseconds(200))
                    closed = receiver.closes.first
                }
                let at = try #require(closed, "the attempt kept its connection: \(worker.logText.suffix(2_000))")
                print("terminate -> held connection closed: \(at - terminated)")
                #expect(at - terminated < .seconds(15))
                #expect(worker.logText.contains("activity attempt stopped"))
                #expect(receiver.count == 1)
                // No FinishRun ran: the reconciler ends the record (within a period or two of 2 s).
                let runs = try await worker.runs(of: "held", timeout: .seconds(20)) {
                    $0.first?["status"] as? String == "terminated"
                }
                print("terminate -> run recorded terminated: \(ContinuousClock.now - terminated)")
                #expect(runs.first?["status"] as? String == "terminated", "\(runs)")
                #expect(runs.first?["error"] as? String == "the workflow was terminated")
                #expect(try await worker.metric(#"activity_runs_total{result="terminated"}"#) == 1)
                #expect(worker.logText.contains("run ended by the reconciler"))
            }
        }

        @Test(
            "an attempt Temporal timed out while the worker could not reach it stops locally once the worker reaches it again"
        )
        func serverTimedOutAttemptStops() async throws {
            // Temporal behind a relay the test closes: the worker's heartbeats stop arriving, and
            // Temporal times the attempt out after its heartbeat timeout (30 s).
            let relay = try await TLSProxy(plainTo: WorkerSafetyIntegrationTests.temporalPort)
            let relayPort = relay.port
            try await Self.withHeldWorker(extra: ["TEMPORAL_ADDRESS": relay.address]) { worker, receiver, _ in
                _ = try await Self.startHeldRun(worker, receiver)
                await relay.close()
                try await Task.sleep(for: .seconds(36))
                #expect(receiver.closes.isEmpty, "the action stopped while Temporal was out of reach")
                let back = try await TLSProxy(plainTo: WorkerSafetyIntegrationTests.temporalPort, port: relayPort)
                let reached = ContinuousClock.now
                var closed = receiver.closes.first
                while closed == nil && ContinuousClock.now - reached < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(200))
                    closed = receiver.closes.first
                }
                await back.close()
                let at = try #require(
                    closed, "the timed-out attempt kept its connection: \(worker.logText.suffix(2_000))")
                print("Temporal reachable again -> timed-out attempt's connection closed: \(at - reached)")
                #expect(at - reached < .seconds(15))
                #expect(worker.logText.contains("activity attempt stopped"))
                #expect(receiver.count == 1)
            }
        }
    }
}
