import Foundation
import Temporal
import TestSupport
import Testing

extension TemporalWorkerSuites {
    /// Issue 24, the worker's capacity, metrics and startup, through a running worker against the
    /// dev server: slow actions never delay another run's bookkeeping, the slots and latencies show
    /// under Temporal's SDK metric names, and a namespace Temporal does not have is exit 2.
    @Suite("Temporal worker capacity and startup against the real services", .serialized, .timeLimit(.minutes(5)))
    struct WorkerCapacityIntegrationTests {
        /// A sample of `/metrics` whose name is `name` and whose labels include `labels`.
        static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
            for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
                let head = line.prefix { $0 != " " }
                guard head.prefix(while: { $0 != "{" }) == name[...],
                    labels.allSatisfy({ head.contains("\($0.key)=\"\($0.value)\"") })
                else { continue }
                return Double(line.split(separator: " ").last ?? "")
            }
            return nil
        }

        /// The time from the run's start to the end of its first workflow task, in which the
        /// worker ran `PrepareRun` (as a local activity, its marker follows), in `history`.
        static func firstTask(in history: [Temporal_Api_History_V1_HistoryEvent]) -> Duration? {
            guard let started = history.first,
                let completed = history.first(where: { $0.eventType == .workflowTaskCompleted }),
                let marker = history.first(where: { $0.eventType == .markerRecorded }),
                marker.eventID == completed.eventID + 1
            else { return nil }
            let seconds = completed.eventTime.timeIntervalSince1970 - started.eventTime.timeIntervalSince1970
            return .milliseconds(Int64(seconds * 1000))
        }

        /// The time from an activity's scheduling to its start in `history`.
        static func scheduleToStart(_ activityType: String, in history: [Temporal_Api_History_V1_HistoryEvent])
            -> Duration?
        {
            guard
                let scheduled = history.first(where: {
                    $0.eventType == .activityTaskScheduled
                        && $0.activityTaskScheduledEventAttributes.activityType.name == activityType
                }),
                let started = history.first(where: {
                    $0.eventType == .activityTaskStarted
                        && $0.activityTaskStartedEventAttributes.scheduledEventID == scheduled.eventID
                })
            else { return nil }
            let seconds = started.eventTime.timeIntervalSince1970 - scheduled.eventTime.timeIntervalSince1970
            return .milliseconds(Int64(seconds * 1000))
        }

        @Test("ten slow actions hold no slot of another run's bookkeeping: its PrepareRun ends within 1 s")
        func slowActionsDoNotDelayBookkeeping() async throws {
            let receiver = try await HTTPReceiver(delay: .seconds(60))
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write("held.yaml", RunCancelIntegrationTests.held("held", url: receiver.url))
            try folder.write("quick.yaml", "id: quick\naction: {type: echo}\n")
            defer { CommandLineTests.dropSchema(schema) }
            let environment = ActivityCoreProcess.workerEnvironment(schema: schema, definitions: folder.path)
            let taskQueue = try #require(environment["ACTIVITY_TASK_QUEUE"])
            let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token-\(schema)")
            var held: [String] = []
            var failure: (any Error)?
            do {
                try await Self.checkBookkeeping(worker, receiver: receiver, taskQueue: taskQueue, held: &held)
            } catch {
                failure = error
            }
            let workflows = held
            _ = try? await TestTemporal.withClient { client in
                for id in workflows { try? await client.terminateWorkflow(id: id, reason: "integration test") }
            }
            worker.process.terminate()
            await receiver.close()
            if let failure { throw failure }
        }

        static func checkBookkeeping(
            _ worker: WorkerUnderTest, receiver: HTTPReceiver, taskQueue: String, held: inout [String]
        ) async throws {
            for _ in 0..<10 {
                let triggered = try await worker.call(.POST, "/admin/definitions/held/trigger")
                try #require(triggered.status == 200, "\(triggered.text)")
                held.append(try #require(triggered.json["workflow_id"] as? String))
            }
            let requests = try await receiver.waitForRequests(10, timeout: .seconds(60))
            try #require(
                requests.count == 10, "ten actions never reached the receiver: \(worker.logText.suffix(2_000))")

            let triggered = try await worker.call(.POST, "/admin/definitions/quick/trigger")
            try #require(triggered.status == 200, "\(triggered.text)")
            let quick = try #require(triggered.json["workflow_id"] as? String)
            let runs = try await worker.runs(of: "quick", timeout: .seconds(30)) {
                $0.first?["status"] as? String == "succeeded"
            }
            #expect(
                runs.first?["status"] as? String == "succeeded", "the quick run waited behind the slow actions: \(runs)"
            )
            // The workflow completes with the workflow task after FinishRun: its count follows.
            let status = try await RunCancelIntegrationTests.workflowStatus(quick) { $0 == .completed }
            #expect(status == .completed)
            let history = try await TestTemporal.history(quick)
            let prepare = try #require(Self.firstTask(in: history), "no PrepareRun marker after the first task")
            print("start -> PrepareRun recorded beside ten held actions: \(prepare)")
            #expect(prepare < .seconds(1))
            // The bookkeeping ran within the workflow tasks; the action was the one activity task.
            #expect(history.count(where: { $0.eventType == .activityTaskScheduled }) == 1)
            #expect(Self.scheduleToStart("ExecuteAction", in: history).map { $0 < .seconds(1) } == true)

            // The slots and latencies, under the SDKs' names.
            let metrics = try await worker.call(.GET, "/metrics").text
            let used = Self.sample(
                metrics, "temporal_worker_task_slots_used", ["worker_type": "ActivityWorker", "task_queue": taskQueue])
            let available = Self.sample(
                metrics, "temporal_worker_task_slots_available",
                ["worker_type": "ActivityWorker", "task_queue": taskQueue])
            // As the SDKs count: a slot a poll holds is neither used nor available.
            #expect(used == 10, "\(metrics)")
            #expect((80...90).contains(available ?? 0), "\(String(describing: available))")
            #expect(
                Self.sample(metrics, "temporal_worker_task_slots_available", ["worker_type": "WorkflowWorker"]) != nil)
            #expect(
                Self.sample(
                    metrics, "temporal_worker_task_slots_used",
                    ["worker_type": "ActivityWorker", "task_queue": taskQueue + "-bookkeeping"]) == 0)
            // Ten held actions and the quick one; eleven PrepareRuns and one FinishRun ran locally.
            #expect((Self.sample(metrics, "temporal_activity_schedule_to_start_latency_count") ?? 0) >= 11)
            #expect((Self.sample(metrics, "temporal_workflow_task_schedule_to_start_latency_count") ?? 0) >= 11)
            #expect((Self.sample(metrics, "temporal_workflow_task_execution_latency_count") ?? 0) >= 11)
            #expect((Self.sample(metrics, "temporal_activity_execution_latency_count") ?? 0) >= 1)
            #expect((Self.sample(metrics, "temporal_local_activity_execution_latency_count") ?? 0) >= 12)
            #expect(Self.sample(metrics, "temporal_local_activity_fallback") == 0)
            #expect(Self.sample(metrics, "temporal_workflow_completed") == 1)
            #expect(Self.sample(metrics, "temporal_activity_execution_failed") == 0)
            // A call Temporal refuses is counted with its operation and status.
            let unknown = try await worker.call(.POST, "/admin/runs/no-such-workflow-\(UUID().uuidString)/cancel")
            #expect(unknown.status == 404)
            let failures = try await worker.call(.GET, "/metrics").text
            #expect(
                Self.sample(
                    failures, "temporal_request_failure",
                    ["operation": "DescribeWorkflowExecution", "status_code": "NOT_FOUND"]) == 1, "\(failures)")
        }

        @Test("a TEMPORAL_NAMESPACE Temporal does not have: the worker exits 2 naming it")
        func unknownNamespace() async throws {
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            defer { CommandLineTests.dropSchema(schema) }
            let namespace = "it-no-such-namespace-\(UUID().uuidString.prefix(8).lowercased())"
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path, extra: ["TEMPORAL_NAMESPACE": namespace])
            let started = ContinuousClock.now
            let outcome = try await ActivityCoreProcess.run(["worker"], environment: environment, timeout: .seconds(30))
            #expect(outcome.status == 2, "\(outcome.stderr.suffix(2_000))")
            #expect(outcome.stderr.contains("TEMPORAL_NAMESPACE \"\(namespace)\" does not exist"), "\(outcome.stderr)")
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }
}
