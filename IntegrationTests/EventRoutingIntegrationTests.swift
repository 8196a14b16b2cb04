import Definitions
import Foundation
import NATS
import NIOCore
import Schedules
import TestSupport
import Testing
import Worker

/// The worker's event router end to end: nats-server with JetStream, the dev server,
/// PostgreSQL and the `activity-core worker` process.
@Suite("Event routing through the worker")
struct EventRoutingIntegrationTests {
    @Test("events fire the matching definitions once, also when published before the worker ran")
    func routes() async throws {
        let receiver = try await HTTPReceiver()
        defer { Task { await receiver.close() } }
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let gitea = "gitea.\(schema).push"
        let folder = try TemporaryFolder()
        try folder.write(
            "event-types/repo.yaml",
            "type: event-type\nid: repo.push\nsubject: \(gitea)\n"
        )
        try folder.write(
            "activity-definitions/review.yaml",
            """
            id: review-app
            trigger: {type: event, event_type: repo.push, filters: {attributes.repo: coulomb/app}}
            action: {type: http, url: "\(receiver.url)"}
            ---
            id: review-other
            trigger: {type: event, event_type: repo.push, filters: {attributes.repo: other/app}}
            action: {type: http, url: "\(receiver.url)"}

            """
        )
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix,
            extra: [
                "LOG_LEVEL": "info",
                // No fallback check during the test: only a notification can refresh the index.
                "ACTIVITY_ROUTER_REFRESH_SECONDS": "3600",
            ]
        )
        let stream = environment["ACTIVITY_EVENT_STREAM"] ?? ""
        let nats = try await NATSClientIntegrationTests.connect()
        let js = JetStream(client: nats)
        // The stream exists and holds an event before any worker runs.
        try await js.ensureStream(stream, subjects: ["it.\(schema).>"])
        // Event IDs of their own: a finished run's ID is never reused within the retention.
        let first = "evt-1-\(schema)"
        let event = #"{"id":"\#(first)","type":"repo.push","attributes":{"repo":"coulomb/app"}}"#
        try await nats.publish("it.\(schema).activity.push", payload: ByteBuffer(string: event))
        try await nats.flush()

        let migrate = try await ActivityCoreProcess.run(["sync", "--all"], environment: environment)
        #expect(migrate.status == 0, "\(migrate.stdout)\(migrate.stderr)")
        let (process, _, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
        defer { try? FileManager.default.removeItem(at: err) }

        let arrived = try await receiver.waitForRequests(1, timeout: .seconds(60))
        let log = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(arrived.count == 1, "\(log)")
        if let request = arrived.first {
            let body = try JSONValue.parse(request.body)
            #expect(body["activity_id"] == .string("review-app"))
            #expect(body["trigger"] == .string("event"))
            #expect(body["event"]?["id"] == .string(first))
            #expect(request.headers["idempotency-key"] == "activity-review-app:\(first)")
        }

        // The same event again: deduplicated. A non-JSON body: rejected, the router goes on.
        // An untyped event on the event type's own subject: routed by subject.
        try await nats.publish("it.\(schema).activity.push", payload: ByteBuffer(string: event))
        try await nats.publish("it.\(schema).activity.junk", payload: ByteBuffer(string: "not json"))
        let secondID = "evt-2-\(schema)"
        try await nats.publish(
            gitea, payload: ByteBuffer(string: #"{"id":"\#(secondID)","attributes":{"repo":"coulomb/app"}}"#))
        try await nats.flush()
        let second = try await receiver.waitForRequests(2, timeout: .seconds(60))
        try await Task.sleep(for: .seconds(2))
        #expect(receiver.count == 2, "\(receiver.requests.map { String(decoding: $0.body, as: UTF8.self) })")
        if second.count >= 2 {
            #expect(try JSONValue.parse(second[1].body)["event"]?["id"] == .string(secondID))
        }
        #expect(try await js.streamSubjects(stream)?.contains(gitea) == true)

        // A new event type on a subject the stream does not carry yet, and a definition on it,
        // synced by another process while the worker runs: the NOTIFY of that sync rebuilds
        // the index and extends the stream; the next event fires it, no restart.
        let deploy = "deploy.\(schema).done"
        try folder.write("event-types/deploy.yaml", "type: event-type\nid: deploy.done\nsubject: \(deploy)\n")
        try folder.write(
            "activity-definitions/deploy.yaml",
            "id: after-deploy\ntrigger: {type: event, event_type: deploy.done}\naction: {type: http, url: \"\(receiver.url)\"}\n"
        )
        let sync = try await ActivityCoreProcess.run(["sync", "--all"], environment: environment)
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        var extended = false
        let deadline = ContinuousClock.now + .seconds(20)
        while !extended && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            extended = try await js.streamSubjects(stream)?.contains(deploy) == true
        }
        let workerLog = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(extended, "\(workerLog)")
        #expect(workerLog.contains("notified"), "\(workerLog)")
        let thirdID = "evt-3-\(schema)"
        try await nats.publish(deploy, payload: ByteBuffer(string: #"{"id":"\#(thirdID)"}"#))
        try await nats.flush()
        let third = try await receiver.waitForRequests(3, timeout: .seconds(60))
        #expect(third.count == 3)
        if third.count >= 3 {
            let body = try JSONValue.parse(third[2].body)
            #expect(body["activity_id"] == .string("after-deploy"))
            #expect(body["event"]?["id"] == .string(thirdID))
        }

        try await ActivityCoreProcess.terminate(process)
        #expect(process.terminationStatus == 0)
        _ = try? await nats.request("$JS.API.STREAM.DELETE.\(stream)", payload: ByteBuffer(), timeout: .seconds(5))
        await nats.close()
        await TestTemporal.deleteAllSchedules(prefix: prefix)
    }

    @Test("routing resumes after NATS restarts, without restarting the worker")
    func natsRestart() async throws {
        let server = try await PrivateNATSServer()
        let receiver = try await HTTPReceiver()
        defer { Task { await receiver.close() } }
        let schema = TestDatabase.newSchemaName()
        let folder = try TemporaryFolder()
        try folder.write(
            "activity-definitions/on-push.yaml",
            "id: on-push\ntrigger: {type: event, event_type: repo.push}\naction: {type: http, url: \"\(receiver.url)\"}\n"
        )
        try folder.write("event-types/push.yaml", "type: event-type\nid: repo.push\n")
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, extra: ["NATS_URL": server.url, "LOG_LEVEL": "info"])
        let stream = environment["ACTIVITY_EVENT_STREAM"] ?? ""
        let (process, _, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
        defer { try? FileManager.default.removeItem(at: err) }
        let ready = try await ActivityCoreProcess.waitForLog("event stream ready", in: err, of: process)
        #expect(ready.contains("event stream ready"), "\(ready)")

        var configuration = try NATSConfiguration(urls: [server.url])
        configuration.reconnectWait = .milliseconds(50)
        configuration.maxReconnectWait = .milliseconds(500)
        // The test's client reconnects too: its `run()` runs beside the body.
        try await NATSClient.withConnection(configuration: configuration, logger: TestDatabase.logger) { nats in
            let js = JetStream(client: nats)
            func publish(_ id: String) async throws {
                let body = #"{"id":"\#(id)","type":"repo.push"}"#
                try await nats.publish("it.\(schema).push", payload: ByteBuffer(string: body))
                try await nats.flush()
            }
            try await publish("before-\(schema)")
            #expect(try await receiver.waitForRequests(1, timeout: .seconds(60)).count == 1)

            try await server.stop()
            try await Task.sleep(for: .seconds(1))
            try await server.start()
            // The stream survives in the server's storage; wait until JetStream serves it again.
            var recovered = false
            let deadline = ContinuousClock.now + .seconds(30)
            while !recovered && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                recovered = (try? await js.streamSubjects(stream)) != nil
            }
            #expect(recovered)
            try await publish("after-\(schema)")
            let arrived = try await receiver.waitForRequests(2, timeout: .seconds(60))
            let log = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            #expect(arrived.count == 2, "\(log)")
            if arrived.count == 2 {
                #expect(try JSONValue.parse(arrived[1].body)["event"]?["id"] == .string("after-\(schema)"))
            }
            #expect(log.contains("NATS reconnected"), "\(log)")
            #expect(process.isRunning)

            try await ActivityCoreProcess.terminate(process)
            #expect(process.terminationStatus == 0)
        }
        try await server.stop()
    }

    @Test("with an empty ACTIVITY_EVENT_STREAM events are routed over core NATS")
    func coreNATS() async throws {
        let receiver = try await HTTPReceiver()
        defer { Task { await receiver.close() } }
        let schema = TestDatabase.newSchemaName()
        let folder = try TemporaryFolder()
        try folder.write(
            "activity-definitions/on-ping.yaml",
            "id: on-ping\ntrigger: {type: event, event_type: core.ping}\naction: {type: http, url: \"\(receiver.url)\"}\n"
        )
        try folder.write("event-types/ping.yaml", "type: event-type\nid: core.ping\nsubject: core.\(schema).ping\n")
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, extra: ["ACTIVITY_EVENT_STREAM": "", "LOG_LEVEL": "info"])
        let (process, _, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
        defer { try? FileManager.default.removeItem(at: err) }
        // The event type's own subject is subscribed once the index is built from the store.
        let log = try await ActivityCoreProcess.waitForLog("core.\(schema).ping", in: err, of: process)
        #expect(log.contains("core NATS, at most once"), "\(log)")

        let nats = try await NATSClientIntegrationTests.connect()
        try await nats.publish("core.\(schema).ping", payload: ByteBuffer(string: #"{"id":"ping-\#(schema)"}"#))
        try await nats.flush()
        let arrived = try await receiver.waitForRequests(1, timeout: .seconds(60))
        #expect(arrived.count == 1, "\((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
        if let first = arrived.first {
            #expect(try JSONValue.parse(first.body)["activity_id"] == .string("on-ping"))
        }
        try await ActivityCoreProcess.terminate(process)
        #expect(process.terminationStatus == 0)
        await nats.close()
    }

    @Test("a subject another stream holds is logged and skipped; routing goes on for the rest")
    func subjectHeldElsewhere() async throws {
        let receiver = try await HTTPReceiver()
        defer { Task { await receiver.close() } }
        let schema = TestDatabase.newSchemaName()
        let claimed = "claimed.\(schema)"
        let other = "OTHER_" + schema.uppercased()
        let nats = try await NATSClientIntegrationTests.connect()
        let js = JetStream(client: nats)
        try await js.ensureStream(other, subjects: [claimed])
        let folder = try TemporaryFolder()
        try folder.write(
            "event-types/types.yaml",
            "type: event-type\nid: held.elsewhere\nsubject: \(claimed)\n---\ntype: event-type\nid: repo.push\n")
        try folder.write(
            "activity-definitions/on-push.yaml",
            "id: on-push\ntrigger: {type: event, event_type: repo.push}\naction: {type: http, url: \"\(receiver.url)\"}\n"
        )
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, extra: ["LOG_LEVEL": "info"])
        let stream = environment["ACTIVITY_EVENT_STREAM"] ?? ""
        let worker = try await WorkerUnderTest.start(environment: environment, token: "tok-\(schema)")
        defer { try? FileManager.default.removeItem(at: worker.log) }
        // The router creates its stream once the startup sync is done; publish after that.
        _ = try await ActivityCoreProcess.waitForLog("event stream ready", in: worker.log, of: worker.process)
        try await nats.publish(
            "it.\(schema).push", payload: ByteBuffer(string: #"{"id":"p-\#(schema)","type":"repo.push"}"#))
        try await nats.flush()
        let arrived = try await receiver.waitForRequests(1, timeout: .seconds(60))
        let log = worker.logText
        #expect(arrived.count == 1, "\(log)")
        #expect(log.contains("event stream keeps its subjects"), "\(log)")
        #expect(log.contains(other), "the error names the stream holding the subject: \(log)")
        // Ready (the rest is routed), with a warning naming the subject and the other stream.
        let ready = try await worker.call(.GET, "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        let warnings = ready.json["warnings"] as? [String] ?? []
        #expect(warnings.count == 1, "\(ready.text)")
        #expect(warnings.first?.contains(claimed) == true, "\(ready.text)")
        #expect(warnings.first?.contains(other) == true, "\(ready.text)")
        #expect(try await worker.stop() == 0)
        try await js.deleteStream(stream)
        try await js.deleteStream(other)
        await nats.close()
    }
}
