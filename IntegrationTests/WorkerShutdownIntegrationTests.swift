import Foundation
import Synchronization
import Temporal
import TestSupport
import Testing

extension TemporalWorkerSuites {
    /// Issue 24, deploys: workers restarted one after the other while runs flow lose no task to a
    /// timeout. A stopping worker tells Temporal (`ShutdownWorker`, the server answers its open
    /// polls), finishes what it holds within its grace, and fails an action the grace cut as
    /// retryable at once, so another worker runs it again without waiting.
    @Suite("Temporal worker shutdown against the real services", .serialized, .timeLimit(.minutes(5)))
    struct WorkerShutdownIntegrationTests {
        /// Three restarts, one every `restartEvery`, while a run starts every `startEvery`.
        static let restartEvery = Duration.seconds(7)
        static let startEvery = Duration.milliseconds(500)

        @Test("a rolling restart while runs flow: every run completes and no attempt waits for a timeout")
        func rollingRestart() async throws {
            let receiver = try await HTTPReceiver(delay: .seconds(3))
            let schema = TestDatabase.newSchemaName()
            let folder = try TemporaryFolder()
            try folder.write(
                "slow.yaml",
                """
                id: slow
                action:
                  type: http
                  url: "\(receiver.url)"
                  timeout_seconds: 60
                  retry: {max_attempts: 5, initial_interval_seconds: 1, backoff: 1.0, max_interval_seconds: 1}

                """)
            defer { CommandLineTests.dropSchema(schema) }
            // A grace shorter than an action: the workers stopped hold actions the grace cuts.
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path, extra: ["ACTIVITY_SHUTDOWN_GRACE_SECONDS": "1"])
            let taskQueue = try #require(environment["ACTIVITY_TASK_QUEUE"])
            let token = "it-token-\(schema)"
            var workers = [
                try await WorkerUnderTest.start(environment: environment, token: token),
                try await WorkerUnderTest.start(environment: environment, token: token),
            ]
            let started = Mutex<[String]>([])
            var stops: [(Int32, Duration)] = []
            var failure: (any Error)?
            do {
                let flow = Task {
                    try await TestTemporal.withClient { client in
                        let trigger = ManualTrigger(client: client, taskQueue: taskQueue)
                        let end = ContinuousClock.now + Self.restartEvery * 3 + .seconds(2)
                        while ContinuousClock.now < end && !Task.isCancelled {
                            let id = try await trigger.start(activityID: "slow")
                            started.withLock { $0.append(id) }
                            try await Task.sleep(for: Self.startEvery)
                        }
                    }
                }
                for _ in 0..<3 {
                    try await Task.sleep(for: Self.restartEvery)
                    let index = try await Self.busiest(workers, taskQueue: taskQueue)
                    let elapsed = try await ActivityCoreProcess.terminate(workers[index].process, timeout: .seconds(20))
                    stops.append((workers[index].process.terminationStatus, elapsed))
                    workers[index] = try await WorkerUnderTest.start(environment: environment, token: token)
                }
                try await flow.value
                try await Self.checkHistories(started.withLock { $0 }, logs: workers.map(\.logText))
            } catch {
                failure = error
            }
            for worker in workers { worker.process.terminate() }
            await receiver.close()
            print("stopped workers: \(stops.map { "exit \($0.0) in \($0.1)" })")
            for (status, elapsed) in stops {
                #expect(status == 0)
                #expect(elapsed < .seconds(12), "a stop took \(elapsed) with a 1 s grace")
            }
            if let failure { throw failure }
        }

        /// The worker running the most actions (Temporal may hand most tasks to one of two), so
        /// that the one stopped holds actions for its grace to cut; waits up to 5 s for one.
        static func busiest(_ workers: [WorkerUnderTest], taskQueue: String) async throws -> Int {
            let deadline = ContinuousClock.now + .seconds(5)
            while true {
                var used: [Double] = []
                for worker in workers {
                    let metrics = try await worker.call(.GET, "/metrics").text
                    used.append(
                        WorkerCapacityIntegrationTests.sample(
                            metrics, "temporal_worker_task_slots_used",
                            ["worker_type": "ActivityWorker", "task_queue": taskQueue]) ?? 0)
                }
                let most = used.indices.max { used[$0] < used[$1] } ?? 0
                if used[most] > 0 || ContinuousClock.now > deadline { return most }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        /// Every run completed; no workflow or activity task timed out, and no attempt started
        /// after one that timed out; the grace cut some action (its retry says WorkerShutdown).
        static func checkHistories(_ workflows: [String], logs: [String]) async throws {
            // About 46 on an idle machine; fewer when the dev server is slow to start workflows.
            try #require(workflows.count >= 10, "only \(workflows.count) runs were started")
            let deadline = ContinuousClock.now + .seconds(90)
            var open = workflows
            while !open.isEmpty && ContinuousClock.now < deadline {
                let asked = open
                open = try await TestTemporal.withClient { client in
                    var still: [String] = []
                    for id in asked where try await client.describeWorkflow(id: id)?.status == .running {
                        still.append(id)
                    }
                    return still
                }
                if !open.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(open.isEmpty, "\(open.count) runs still open 90 s after the flow")
            var timedOut: [String] = []
            var cut = 0
            var completed = 0
            for id in workflows {
                let history = try await TestTemporal.history(id)
                if history.last?.eventType == .workflowExecutionCompleted { completed += 1 }
                for event in history {
                    switch event.eventType {
                    case .workflowTaskTimedOut, .activityTaskTimedOut:
                        timedOut.append("\(id): \(event.eventType)")
                    case .activityTaskStarted:
                        let last = event.activityTaskStartedEventAttributes.lastFailure
                        if case .timeoutFailureInfo = last.failureInfo {
                            timedOut.append(
                                "\(id): attempt \(event.activityTaskStartedEventAttributes.attempt) after a timeout")
                        }
                        if last.applicationFailureInfo.type == "WorkerShutdown" { cut += 1 }
                    default:
                        continue
                    }
                }
            }
            print(
                "rolling restart: \(workflows.count) runs, \(completed) completed, \(cut) retried after a shutdown cut")
            #expect(completed == workflows.count)
            #expect(timedOut.isEmpty, "tasks left to time out: \(timedOut.prefix(10))")
            #expect(cut > 0, "no action was cut by a shutdown grace: \(logs.map { $0.suffix(1_000) })")
        }
    }
}
