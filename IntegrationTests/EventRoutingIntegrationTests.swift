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
        let taskQueue = "it-tq-\(UUID().uuidString.prefix(8).lowercased())"
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
        let environment = ActivityCoreProcess.environment(
            schema: schema,
            extra: [
                "ACTIVITY_DEFINITION_DIRS": folder.path, "ACTIVITY_SCHEDULE_PREFIX": prefix,
                "ACTIVITY_TASK_QUEUE": taskQueue,
                "TEMPORAL_ADDRESS": TestTemporal.address, "LOG_LEVEL": "info",
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

        // A new event type and a definition on it, synced by another process while the
        // worker runs: the next event fires it, no restart.
        try folder.write("event-types/deploy.yaml", "type: event-type\nid: deploy.done\n")
        try folder.write(
            "activity-definitions/deploy.yaml",
            "id: after-deploy\ntrigger: {type: event, event_type: deploy.done}\naction: {type: http, url: \"\(receiver.url)\"}\n"
        )
        let sync = try await ActivityCoreProcess.run(["sync", "--all"], environment: environment)
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        try await Task.sleep(for: .seconds(3))
        let thirdID = "evt-3-\(schema)"
        try await nats.publish(
            "it.\(schema).activity.deploy",
            payload: ByteBuffer(string: #"{"id":"\#(thirdID)","type":"deploy.done"}"#)
        )
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
}
