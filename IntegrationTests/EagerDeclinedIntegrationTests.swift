import Definitions
import Foundation
import HTTPActions
import Postgres
import Runs
import TestSupport
import Testing
import Worker

@testable import Temporal

/// A Temporal server that offers no eager execution (its dynamic config says so): runs the
/// worker starts still run, their first workflow task and their action's task reach it
/// through polls, and the slots it took for eager tasks come back (five runs one after another
/// on a worker with two free workflow and two free action slots would stall otherwise).
@Suite("Eager execution declined by a real server", .serialized, .timeLimit(.minutes(3)))
struct EagerDeclinedIntegrationTests {
    @Test("declined eager starts and activities still run, and give their slots back")
    func declined() async throws {
        let server = try await PrivateTemporalServer(dynamicConfig: [
            "system.enableEagerWorkflowStart=false", "system.enableActivityEagerExecution=false",
        ])
        let folder = try TemporaryFolder()
        try folder.write("quick.yaml", "id: quick\naction: {type: echo}\n")
        let folderPath = folder.path
        let configuration = try TemporalConfiguration(address: server.address)
        var failure: (any Error)?
        do {
            try await TestDatabase.withDatabase { (database: ActivityDatabase) async throws in
                _ = try await DocumentSync(store: PostgresDefinitionStore(database: database)).sync(
                    roots: [folderPath], logger: TestDatabase.logger)
                try await TemporalClient.withClient(configuration: configuration, logger: TestDatabase.logger) {
                    client in
                    let taskQueue = "it-eager-\(UUID().uuidString.prefix(8).lowercased())"
                    let clients = HTTPActionClients(concurrentActions: 4)
                    let eagerStarts = EagerWorkflowStarts()
                    let worker = RunWorkerFactory.make(
                        client: client, database: database, taskQueue: taskQueue, defaultActionURL: nil,
                        http: HTTPActionExecutor(clients: clients, policy: .loopbackAllowed),
                        publisher: LoggingEventPublisher(logger: TestDatabase.logger), logger: TestDatabase.logger,
                        maxConcurrentActions: 4, maxConcurrentWorkflowTasks: 4, eagerStarts: eagerStarts)
                    let running = Task { try? await worker.run() }
                    let trigger = ManualTrigger(client: client, taskQueue: taskQueue, eager: eagerStarts)
                    let runs = PostgresRunStore(database: database)
                    for index in 1...5 {
                        let workflowID = try await trigger.start(activityID: "quick")
                        let deadline = ContinuousClock.now + .seconds(30)
                        var status: RunRecord.Status?
                        while ContinuousClock.now < deadline {
                            status = try await runs.recent(activityID: "quick", limit: 10).first {
                                $0.workflowID == workflowID
                            }?.status
                            if let status, status != .running { break }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        #expect(status == .succeeded, "run \(index) (\(workflowID)) did not end")
                        if status != .succeeded { break }
                    }
                    let eager = worker.eagerTasks
                    #expect(eager.workflow == 0, "the server offers no eager start")
                    #expect(eager.activity == 0, "the server offers no eager activity")
                    // The last run is recorded within its last workflow task: let that task end.
                    let settled = ContinuousClock.now + .seconds(10)
                    while worker.inFlight > 0 && ContinuousClock.now < settled {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    // Only the two polls of each pool hold slots: none was kept for a task that
                    // never came (two kept ones would fill either pool).
                    #expect(worker.pools[0].slots.taken <= 2, "workflow slots kept after declined starts")
                    #expect(worker.pools[1].slots.taken <= 2, "action slots kept after declined activities")
                    worker.stop()
                    _ = await running.value
                    await clients.shutdown()
                }
            }
        } catch {
            failure = error
        }
        try await server.stop()
        if let failure { throw failure }
    }
}
