import Definitions
import Foundation
import NATS
import NIOCore
import NIOFoundationCompat
import TestSupport
import Testing

/// Issue 25: the router on a three-node JetStream cluster whose nodes hang, go into lame-duck
/// mode or die, and on a server whose consumer and stream are deleted under it.
extension TemporalWorkerSuites {
    @Suite("NATS cluster faults against real servers", .serialized, .timeLimit(.minutes(5)))
    struct NATSClusterIntegrationTests {
        /// A worker routing `repo.push` events (subject `it.<schema>.push`) to an HTTP receiver.
        final class Router: Sendable {
            let worker: WorkerUnderTest
            let receiver: HTTPReceiver
            let schema: String
            let stream: String
            let folder: TemporaryFolder

            var subject: String { "it.\(self.schema).push" }

            /// Starts the worker; on a cluster, the stream is created first with three replicas, as
            /// an operator would (a worker keeps an existing stream's configuration).
            static func start(
                natsURLs: [String], cluster: NATSTestCluster? = nil, extra: [String: String] = [:]
            ) async throws -> Router {
                let receiver = try await HTTPReceiver()
                let schema = TestDatabase.newSchemaName()
                let stream = "IT_" + schema.uppercased()
                try await cluster?.createStream(stream, subjects: ["it.\(schema).>"])
                let folder = try TemporaryFolder()
                try folder.write(
                    "activity-definitions/on-push.yaml",
                    "id: on-push\ntrigger: {type: event, event_type: repo.push}\naction: {type: http, url: \"\(receiver.url)\"}\n"
                )
                try folder.write("event-types/push.yaml", "type: event-type\nid: repo.push\n")
                var settings = ["NATS_URL": natsURLs.joined(separator: ","), "NATS_NO_RANDOMIZE": "true"]
                settings.merge(extra) { _, new in new }
                let environment = ActivityCoreProcess.workerEnvironment(
                    schema: schema, definitions: folder.path, extra: settings)
                #expect(environment["ACTIVITY_EVENT_STREAM"] == stream)
                let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
                return Router(worker: worker, receiver: receiver, schema: schema, stream: stream, folder: folder)
            }

            init(
                worker: WorkerUnderTest, receiver: HTTPReceiver, schema: String, stream: String,
                folder: consuming TemporaryFolder
            ) {
                self.worker = worker
                self.receiver = receiver
                self.schema = schema
                self.stream = stream
                self.folder = folder
            }

            /// An event whose ID is `id` within this test (workflow IDs, and so deduplication,
            /// are per event ID across the whole Temporal namespace).
            func body(_ id: String) -> String { #"{"id":"\#(self.schema)-\#(id)","type":"repo.push"}"# }

            /// The event IDs (within this test) the receiver got, in arrival order.
            func eventIDs(_ requests: [HTTPReceiver.Request]) -> [String] {
                requests.compactMap { request in
                    (try? JSONValue.parse(request.body)["event"]?["id"]?.stringValue).map {
                        String($0.dropFirst(self.schema.count + 1))
                    }
                }
            }

            /// The worker's log lines about NATS and the event stream: where a slow recovery went.
            func natsLines() -> String {
                self.worker.logText.split(separator: "\n").filter { line in
                    ["NATS", "event stream", "consumer", "pull", "JetStream"].contains { line.contains($0) }
                }.suffix(40).joined(separator: "\n")
            }

            func waitUntilRouting(timeout: Duration = .seconds(60)) async throws {
                _ = try await ActivityCoreProcess.waitForLog(
                    "event stream ready", in: self.worker.log, of: self.worker.process, timeout: timeout)
            }

            func finish() async throws {
                try await ActivityCoreProcess.terminate(self.worker.process)
                await self.receiver.close()
                CommandLineTests.dropSchema(self.schema)
            }
        }

        @Test(
            "the worker's node frozen (SIGSTOP): events published through the others run within 60 s; none twice after SIGCONT"
        )
        func frozenNode() async throws {
            let cluster = try await NATSTestCluster()
            // The worker talks to node 1 first (NATS_NO_RANDOMIZE) and pings every 2 s.
            let router = try await Router.start(
                natsURLs: cluster.urls, cluster: cluster,
                extra: ["NATS_PING_INTERVAL_SECONDS": "2", "LOG_LEVEL": "info"])
            try await router.waitUntilRouting()
            let publisher = try await cluster.client(1)
            try await cluster.publishStored(router.subject, router.body("first"), through: publisher)
            let first = try await router.receiver.waitForRequests(1, timeout: .seconds(60))
            #expect(first.count == 1, "\(router.worker.logText.suffix(3_000))")

            cluster.freeze(0)
            let frozenAt = ContinuousClock.now
            try await cluster.publishStored(router.subject, router.body("frozen-1"), through: publisher)
            let stored = ContinuousClock.now - frozenAt
            let firstAfter = try await router.receiver.waitForRequests(2, timeout: .seconds(60))
            print(
                "node frozen -> first event published through another node stored: \(stored), ran: \(ContinuousClock.now - frozenAt)"
            )
            #expect(firstAfter.count == 2, "\(router.worker.logText.suffix(4_000))")
            for index in 2...10 {
                try await cluster.publishStored(router.subject, router.body("frozen-\(index)"), through: publisher)
            }
            let arrived = try await router.receiver.waitForRequests(11, timeout: .seconds(60))
            let elapsed = ContinuousClock.now - frozenAt
            print("node frozen -> 10 events published through another node ran: \(arrived.count - 1) in \(elapsed)")
            if elapsed > .seconds(15) { print(router.natsLines()) }
            #expect(arrived.count == 11, "\(router.worker.logText.suffix(4_000))")
            #expect(elapsed < .seconds(75))

            cluster.thaw(0)
            try await Task.sleep(for: .seconds(10))
            let all = router.eventIDs(try await router.receiver.waitForRequests(12, timeout: .seconds(1)))
            #expect(all.count == 11, "\(all)")
            #expect(Set(all).count == all.count, "an event ran twice: \(all)")
            #expect(router.worker.process.isRunning)
            await publisher.close()
            try await router.finish()
            await cluster.stop()
        }

        @Test(
            "the worker's node SIGKILLed while events flow (a stream it made with ACTIVITY_EVENT_REPLICAS=3): each runs exactly once; /readyz 200 again within 30 s"
        )
        func killedNode() async throws {
            let cluster = try await NATSTestCluster()
            // The worker creates the stream itself, with three replicas.
            let router = try await Router.start(
                natsURLs: cluster.urls,
                extra: ["NATS_PING_INTERVAL_SECONDS": "2", "LOG_LEVEL": "info", "ACTIVITY_EVENT_REPLICAS": "3"])
            try await router.waitUntilRouting()
            let publisher = try await cluster.client(2)
            let info = try await publisher.request(
                "$JS.API.STREAM.INFO.\(router.stream)", payload: ByteBuffer(), timeout: .seconds(5))
            let config = try JSONValue.parse(Data(buffer: info.payload))["config"]
            #expect(config?["num_replicas"] == .integer(3), "\(String(buffer: info.payload))")
            for index in 1...10 {
                try await cluster.publishStored(router.subject, router.body("before-\(index)"), through: publisher)
            }
            try await cluster.kill9(0)
            let killedAt = ContinuousClock.now
            for index in 1...10 {
                try await cluster.publishStored(router.subject, router.body("after-\(index)"), through: publisher)
            }
            var ready = false
            while !ready && ContinuousClock.now - killedAt < .seconds(30) {
                ready = (try? await router.worker.call(.GET, "/readyz"))?.status == 200
                if !ready { try await Task.sleep(for: .milliseconds(250)) }
            }
            print("node killed -> /readyz 200: \(ContinuousClock.now - killedAt)")
            #expect(ready, "\(router.worker.logText.suffix(3_000))")
            let arrived = try await router.receiver.waitForRequests(20, timeout: .seconds(60))
            let ran = ContinuousClock.now - killedAt
            print("node killed -> 10 events published after it ran: \(ran)")
            if ran > .seconds(10) { print(router.natsLines()) }
            try await Task.sleep(for: .seconds(5))
            let all = router.eventIDs(try await router.receiver.waitForRequests(21, timeout: .seconds(1)))
            #expect(arrived.count == 20, "\(router.worker.logText.suffix(3_000))")
            #expect(all.count == 20 && Set(all).count == 20, "\(all.sorted())")
            await publisher.close()
            try await router.finish()
            await cluster.stop()
        }

        @Test("the worker's node in lame-duck mode: the worker leaves it before it stops, no event waits")
        func lameDuckNode() async throws {
            let cluster = try await NATSTestCluster()
            let router = try await Router.start(natsURLs: cluster.urls, cluster: cluster, extra: ["LOG_LEVEL": "info"])
            try await router.waitUntilRouting()
            let publisher = try await cluster.client(1)
            try await cluster.publishStored(router.subject, router.body("first"), through: publisher)
            #expect(try await router.receiver.waitForRequests(1, timeout: .seconds(60)).count == 1)

            // The node closes its clients after its 2 s grace period: a worker that waits for that
            // reconnects only then.
            let reconnectsBefore = router.worker.logText.components(separatedBy: "NATS reconnected").count
            try await cluster.lameDuck(0)
            let signalled = ContinuousClock.now
            var left: Duration?
            while left == nil && ContinuousClock.now - signalled < .seconds(10) {
                if router.worker.logText.components(separatedBy: "NATS reconnected").count > reconnectsBefore {
                    left = ContinuousClock.now - signalled
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            print("lame-duck mode -> worker connected to another node: \(left.map { "\($0)" } ?? "not within 10 s")")
            #expect(left.map { $0 < .milliseconds(1_500) } == true, "\(router.worker.logText.suffix(3_000))")
            var slowest = Duration.zero
            for index in 1...10 {
                try await cluster.publishStored(router.subject, router.body("ldm-\(index)"), through: publisher)
                let published = ContinuousClock.now
                let arrived = try await router.receiver.waitForRequests(1 + index, timeout: .seconds(15))
                #expect(arrived.count == 1 + index, "\(router.worker.logText.suffix(3_000))")
                slowest = max(slowest, ContinuousClock.now - published)
                try await Task.sleep(for: .milliseconds(500))
            }
            print("lame-duck node: slowest publish -> run of 10 events: \(slowest)")
            // A worker that stays until the node closes its connection waits out a reconnect and a
            // pull's expiry for the events published meanwhile.
            #expect(slowest < .seconds(3), "\(router.worker.logText.suffix(3_000))")
            #expect(router.worker.logText.contains("lame-duck"), "\(router.worker.logText.suffix(3_000))")
            await publisher.close()
            try await router.finish()
            await cluster.stop()
        }
        @Test("the durable consumer deleted, then the stream: each is created again and routing resumes within 10 s")
        func deletedConsumerAndStream() async throws {
            let server = try await PrivateNATSServer()
            let router = try await Router.start(natsURLs: [server.url], extra: ["LOG_LEVEL": "info"])
            try await router.waitUntilRouting()
            let client = try await NATSClient.connect(
                configuration: try NATSConfiguration(urls: [server.url]), logger: TestDatabase.logger)
            let stored = NATSTestCluster.publishStored
            try await stored(router.subject, router.body("first"), client)
            #expect(try await router.receiver.waitForRequests(1, timeout: .seconds(60)).count == 1)

            /// Deletes through `api`, publishes `id`, and returns the requests once the event ran.
            func deleteThenRoute(_ api: String, _ id: String, _ count: Int) async throws -> [HTTPReceiver.Request] {
                let deleted = try await client.request(api, payload: ByteBuffer(), timeout: .seconds(5))
                #expect(String(buffer: deleted.payload).contains("\"success\":true"))
                let start = ContinuousClock.now
                try await stored(router.subject, router.body(id), client)
                let requests = try await router.receiver.waitForRequests(count, timeout: .seconds(20))
                let resumed = ContinuousClock.now - start
                print("\(api) -> next event ran: \(resumed)")
                #expect(requests.count == count, "\(router.worker.logText.suffix(3_000))")
                #expect(resumed < .seconds(12))
                return requests
            }
            // An operator's cleanup deletes the router's durable consumer; then the whole stream
            // (publishes are stored once the worker created it again).
            _ = try await deleteThenRoute(
                "$JS.API.CONSUMER.DELETE.\(router.stream).activity-core-router", "after-consumer", 2)
            let third = try await deleteThenRoute("$JS.API.STREAM.DELETE.\(router.stream)", "after-stream", 3)
            #expect(router.eventIDs(third) == ["first", "after-consumer", "after-stream"])
            let recreated = try await router.worker.metric("activity_events_consumer_recreated_total")
            #expect((recreated ?? 0) >= 2, "\(recreated as Any)")
            await client.close()
            try await router.finish()
            try await server.stop()
        }

        @Test(
            "a nats.publish twice the server's max_payload fails its one attempt with a clear error; routing continues on the same connection"
        )
        func publishOverMaxPayload() async throws {
            // 512 KiB and a document of about 1 MiB (the issue's 2 MiB against 1 MiB, halved):
            // the run document is also a payload in Temporal's history, whose limit is 2 MiB.
            let server = try await PrivateNATSServer(config: "max_payload: 524288")
            let router = try await Router.start(
                natsURLs: [server.url], extra: ["LOG_LEVEL": "info", "ACTIVITY_MAX_FILE_BYTES": "4194304"])
            try await router.waitUntilRouting()
            let client = try await NATSClient.connect(
                configuration: try NATSConfiguration(urls: [server.url]), logger: TestDatabase.logger)
            let published = try await client.subscribe("pub.\(router.schema).>")
            try await client.flush()
            // The document holds `input` twice (itself, and in the stored definition).
            let filler = String(repeating: "x", count: 530_000)
            try router.folder.write(
                "activity-definitions/big.yaml",
                """
                id: big-publisher
                action:
                  type: nats.publish
                  subject: pub.\(router.schema).big
                  timeout_seconds: 5
                  retry: {max_attempts: 3, initial_interval_seconds: 1, backoff: 1, max_interval_seconds: 1}
                input: {filler: \(filler)}

                """)
            #expect(try await router.worker.call(.POST, "/admin/sync").status == 200)
            #expect(try await router.worker.call(.POST, "/admin/definitions/big-publisher/trigger").status == 200)
            let runs = try await router.worker.runs(of: "big-publisher", timeout: .seconds(60)) {
                $0.first?["status"] as? String == "failed"
            }
            let run = try #require(runs.first, "\(router.worker.logText.suffix(3_000))")
            #expect(run["status"] as? String == "failed", "\(runs)")
            let error = run["error"] as? String ?? ""
            print("nats.publish over max_payload: \(error.prefix(300))")
            #expect(error.contains("max_payload") && error.contains("524288"), "\(error)")
            // The same document is as large on every attempt: not retried.
            #expect(run["attempts"] as? Int == 1, "\(run)")

            // Routing goes on, and the worker never lost its connection.
            try await NATSTestCluster.publishStored(router.subject, router.body("after-big"), client)
            let requests = try await router.receiver.waitForRequests(1, timeout: .seconds(60))
            #expect(router.eventIDs(requests) == ["after-big"], "\(router.worker.logText.suffix(3_000))")
            let log = router.worker.logText
            #expect(!log.contains("NATS connection lost") && !log.contains("NATS reconnected"), "\(log.suffix(3_000))")
            // Nothing reached the subject.
            try await client.flush()
            try await published.unsubscribe()
            var delivered = 0
            for await _ in published { delivered += 1 }
            #expect(delivered == 0)
            await client.close()
            try await router.finish()
            try await server.stop()
        }

        @Test(
            "a nats.publish action while its stream's only replica is down fails its attempt, and succeeds once the node is back, stored once"
        )
        func acknowledgedPublish() async throws {
            let cluster = try await NATSTestCluster()
            let schema = TestDatabase.newSchemaName()
            let target = "PUB_" + schema.uppercased()
            try await cluster.createStream(target, subjects: ["pub.\(schema).>"], replicas: 1)
            let admin = try await cluster.client(1)
            let info = try await admin.request(
                "$JS.API.STREAM.INFO.\(target)", payload: ByteBuffer(), timeout: .seconds(5))
            let leader = try JSONValue.parse(Data(buffer: info.payload))["cluster"]?["leader"]?.stringValue
            let node = try #require(cluster.nodes.firstIndex { $0.name == leader }, "\(String(buffer: info.payload))")
            await admin.close()

            let folder = try TemporaryFolder()
            try folder.write(
                "publisher.yaml",
                """
                id: publisher
                action:
                  type: nats.publish
                  subject: pub.\(schema).out
                  timeout_seconds: 2
                  retry: {max_attempts: 30, initial_interval_seconds: 1, backoff: 1, max_interval_seconds: 1}

                """)
            defer { CommandLineTests.dropSchema(schema) }
            // The worker talks to a node that stays up.
            let urls = cluster.nodes.indices.filter { $0 != node }.map { cluster.nodes[$0].url }
            let environment = ActivityCoreProcess.workerEnvironment(
                schema: schema, definitions: folder.path,
                extra: ["NATS_URL": urls.joined(separator: ","), "ACTIVITY_EVENT_STREAM": ""])
            let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
            defer { worker.process.terminate() }

            try await cluster.kill9(node)
            #expect(try await worker.call(.POST, "/admin/definitions/publisher/trigger").status == 200)
            // Attempts fail while the node is down (the run keeps running, retried).
            try await Task.sleep(for: .seconds(8))
            let during = try await worker.runs(of: "publisher", timeout: .seconds(1)) { _ in true }
            #expect(during.first?["status"] as? String == "running", "\(during)")
            try await cluster.restart(node)
            let runs = try await worker.runs(of: "publisher", timeout: .seconds(60)) {
                $0.first?["status"] as? String == "succeeded"
            }
            #expect(runs.first?["status"] as? String == "succeeded", "\(runs) \(worker.logText.suffix(3_000))")
            let attempts = runs.first?["attempts"] as? Int ?? 0
            print("nats.publish with its stream's node down for 8 s: succeeded on attempt \(attempts)")
            #expect(attempts >= 2)
            let reader = try await cluster.client(node == 0 ? 1 : 0)
            var stored: Int?
            let deadline = ContinuousClock.now + .seconds(30)
            while stored == nil && ContinuousClock.now < deadline {
                let reply = try? await reader.request(
                    "$JS.API.STREAM.INFO.\(target)", payload: ByteBuffer(), timeout: .seconds(5))
                let object = reply.flatMap {
                    (try? JSONSerialization.jsonObject(with: Data(buffer: $0.payload))) as? [String: Any]
                }
                stored = (object?["state"] as? [String: Any])?["messages"] as? Int
                if stored == nil { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(stored == 1)
            await reader.close()
            #expect(try await worker.stop() == 0)
            await cluster.stop()
        }
    }
}
