import Definitions
import EventTypes
import Foundation
import NATS
import NIOCore
import Testing
import Worker

/// Issue 12, the event path against nats-server, the Temporal dev server and PostgreSQL
/// through a running worker: poison events end, the stream is bounded, wildcard subjects
/// route, long IDs run once, large events are refused, skipped runs are announced.
@Suite("Event safety against the real services", .timeLimit(.minutes(5)))
struct EventSafetyIntegrationTests {
    @Test("a poisoned event is dead-lettered after ACTIVITY_EVENT_MAX_DELIVER tries; the created stream is bounded")
    func poisonAndLimits() async throws {
        let schema = TestDatabase.newSchemaName()
        let folder = try TemporaryFolder()
        try folder.write("types.yaml", "type: event-type\nid: poison.test\n")
        try folder.write(
            "poison.yaml", "id: poisoned\ntrigger: {type: event, event_type: poison.test}\naction: {type: echo}\n")
        defer { CommandLineTests.dropSchema(schema) }
        // Every workflow start fails on purpose: Temporal refuses the task queue's name (longer
        // than its 1,000 characters). A namespace that does not exist would stop the worker
        // at startup.
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path,
            extra: [
                "ACTIVITY_TASK_QUEUE": "it-poison-" + String(repeating: "q", count: 1_000),
                "ACTIVITY_EVENT_MAX_DELIVER": "3",
                "ACTIVITY_EVENT_MAX_AGE_SECONDS": "3600", "ACTIVITY_EVENT_MAX_BYTES": "67108864",
            ])
        let stream = environment["ACTIVITY_EVENT_STREAM"] ?? ""
        let consumer = environment["ACTIVITY_EVENT_CONSUMER"] ?? "activity-core-router"
        let nats = try await NATSClientIntegrationTests.connect()
        let deadLetters = try await nats.subscribe("org.activity.event.dead_lettered")
        // JetStream's own word that the message was terminated (not merely left undelivered).
        let terminated = try await nats.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.\(stream).\(consumer)")
        try await nats.flush()
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
        defer { worker.process.terminate() }

        // The stream the worker created carries the limits; the consumer the delivery limit.
        let js = JetStream(client: nats)
        var limits = try await js.streamLimits(stream)
        for _ in 0..<50 where limits == nil {
            try await Task.sleep(for: .milliseconds(100))
            limits = try await js.streamLimits(stream)
        }
        #expect(limits?.maxAge == .seconds(3600), "\(worker.logText.suffix(2_000))")
        #expect(limits?.maxBytes == 67_108_864)
        // The router makes its consumer on its first fetch, which may come a moment after the
        // stream (an index rebuild can make the stream first).
        var maxDeliver = try? await js.consumerMaxDeliver(stream: stream, durable: consumer)
        for _ in 0..<50 where maxDeliver == nil {
            try await Task.sleep(for: .milliseconds(100))
            maxDeliver = try? await js.consumerMaxDeliver(stream: stream, durable: consumer)
        }
        #expect(maxDeliver == 3)

        let eventID = "poison-\(schema)"
        try await nats.publish(
            "it.\(schema).poison", payload: ByteBuffer(string: #"{"id":"\#(eventID)","type":"poison.test"}"#))
        try await nats.flush()
        let announced = await NATSWaiting.first(deadLetters, timeout: .seconds(90)) { message in
            let body = try? JSONValue.parse(Data(buffer: message.payload))
            return body?["attributes"]?["stream"]?.stringValue == stream
        }
        let envelope = try announced.map { try JSONValue.parse(Data(buffer: $0.payload)) }
        #expect(envelope?["type"]?.stringValue == "org.activity.event.dead_lettered", "\(worker.logText.suffix(3_000))")
        let attributes = envelope?["attributes"]
        #expect(attributes?["event_id"]?.stringValue == eventID)
        #expect(attributes?["event_type"]?.stringValue == "poison.test")
        #expect(attributes?["sequence"] == .integer(1))
        #expect(attributes?["reason"]?.stringValue?.isEmpty == false)
        // Counted once the term is sent, just after the announcement.
        #expect(try await worker.metric("activity_events_dead_lettered_total", changedFrom: 0) == 1)
        let advisory = await NATSWaiting.first(terminated, timeout: .seconds(10)) { _ in true }
        let termination = try advisory.map { try JSONValue.parse(Data(buffer: $0.payload)) }
        #expect(termination?["stream_seq"] == .integer(1), "\(String(describing: termination))")
        #expect(termination?["reason"]?.stringValue?.isEmpty == false, "\(String(describing: termination))")
        #expect(worker.logText.contains("event dead-lettered"))
        // Terminated: no further delivery (3 failed deliveries, the last one dead-lettered).
        try await Task.sleep(for: .seconds(5))
        #expect(try await worker.metric("activity_events_failed_total") == 3)
        #expect(try await worker.metric("activity_events_received_total") == 3)
        try await deadLetters.unsubscribe()
        try await terminated.unsubscribe()
        await nats.close()
        #expect(try await worker.stop() == 0)
    }

    @Test("wildcard and overlapping subjects route untyped events; long IDs run once; large events are refused")
    func subjectsIDsAndSizes() async throws {
        let schema = TestDatabase.newSchemaName()
        let folder = try TemporaryFolder()
        let other = "itx\(schema)"
        try folder.write(
            "types.yaml",
            """
            type: event-type
            id: wild.push
            subject: it.\(schema).*.push
            ---
            type: event-type
            id: acc.push
            subject: \(other).*.push
            ---
            type: event-type
            id: acc.any
            subject: \(other).>

            """)
        for (id, type) in [("on-wild", "wild.push"), ("on-acc", "acc.push"), ("on-acc-any", "acc.any")] {
            try folder.write(
                "\(id).yaml", "id: \(id)\ntrigger: {type: event, event_type: \(type)}\naction: {type: echo}\n")
        }
        try folder.write("off.yaml", "id: off\nenabled: false\naction: {type: echo}\n")
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(schema: schema, definitions: folder.path)
        let stream = environment["ACTIVITY_EVENT_STREAM"] ?? ""
        let nats = try await NATSClientIntegrationTests.connect()
        let completions = try await nats.subscribe("org.activity.run.completed")
        try await nats.flush()
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
        defer { worker.process.terminate() }

        // The stream holds a non-overlapping cover: the narrower acc subject is left out.
        let js = JetStream(client: nats)
        var subjects: [String] = []
        for _ in 0..<50 {
            subjects = try await js.streamSubjects(stream) ?? []
            if subjects.contains("\(other).>") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(Set(subjects) == ["it.\(schema).>", "\(other).>"], "\(worker.logText.suffix(2_000))")

        // An untyped event with a 1,200-character ID on a wildcard subject: one run, whose
        // workflow ID holds the digest, also when the event comes again.
        let long = String(repeating: "L", count: 1_200) + schema
        let body = ByteBuffer(string: #"{"id":"\#(long)","attributes":{}}"#)
        try await nats.publish("it.\(schema).a.push", payload: body)
        try await nats.flush()
        var runs = try await worker.runs(of: "on-wild") { $0.contains { $0["status"] as? String == "succeeded" } }
        #expect(runs.count == 1, "\(runs) \(worker.logText.suffix(3_000))")
        let workflowID = runs.first?["workflow_id"] as? String ?? ""
        #expect(workflowID.hasPrefix("activity-on-wild:sha256-") && workflowID.count < 200, "\(workflowID)")
        let deduplicated = try await worker.metric("activity_events_deduplicated_total") ?? 0
        try await nats.publish("it.\(schema).a.push", payload: body)
        try await nats.flush()
        let again = try await worker.metric("activity_events_deduplicated_total", changedFrom: deduplicated)
        #expect(again == deduplicated + 1)
        runs = try await worker.call(.GET, "/admin/runs?activity_id=on-wild").list
        #expect(runs.count == 1, "\(runs)")

        // The most specific pattern wins; the wider one takes the rest. (Event IDs of their
        // own: Temporal keeps finished workflow IDs for the namespace's retention.)
        try await nats.publish("\(other).a.push", payload: ByteBuffer(string: #"{"id":"acc-1-\#(schema)"}"#))
        try await nats.publish("\(other).a.pull", payload: ByteBuffer(string: #"{"id":"acc-2-\#(schema)"}"#))
        try await nats.flush()
        let acc = try await worker.runs(of: "on-acc") { !$0.isEmpty }
        let any = try await worker.runs(of: "on-acc-any") { !$0.isEmpty }
        #expect(acc.map { $0["workflow_id"] as? String } == ["activity-on-acc:acc-1-\(schema)"], "\(acc)")
        #expect(any.map { $0["workflow_id"] as? String } == ["activity-on-acc-any:acc-2-\(schema)"], "\(any)")

        // A 600 KiB event is refused before any start.
        let rejectedBefore = try await worker.metric("activity_events_rejected_total") ?? 0
        let padding = String(repeating: "p", count: 600 * 1024)
        try await nats.publish(
            "it.\(schema).big.push", payload: ByteBuffer(string: #"{"id":"big","attributes":{"p":"\#(padding)"}}"#))
        try await nats.flush()
        let rejected = try await worker.metric("activity_events_rejected_total", changedFrom: rejectedBefore)
        #expect(rejected == rejectedBefore + 1)
        #expect(try await worker.call(.GET, "/admin/runs?activity_id=on-wild").list.count == 1)

        // A run of a disabled definition is skipped, recorded, counted and announced.
        let triggered = try await worker.call(.POST, "/admin/definitions/off/trigger")
        #expect(triggered.status == 200, "\(triggered.text)")
        let completion = await NATSWaiting.first(completions, timeout: .seconds(60)) { message in
            let body = try? JSONValue.parse(Data(buffer: message.payload))
            return body?["attributes"]?["activity_id"]?.stringValue == "off"
                && body?["attributes"]?["workflow_id"]?.stringValue == triggered.json["workflow_id"] as? String
        }
        let announced = try completion.map { try JSONValue.parse(Data(buffer: $0.payload)) }
        #expect(announced?["attributes"]?["status"]?.stringValue == "skipped", "\(worker.logText.suffix(2_000))")
        let skipped = try await worker.runs(of: "off") { $0.first?["status"] as? String == "skipped" }
        #expect(skipped.first?["status"] as? String == "skipped", "\(skipped)")
        #expect(try await worker.metric(#"activity_runs_total{result="skipped"}"#) == 1)

        // A parameter PostgreSQL cannot take is the caller's error.
        #expect(try await worker.call(.GET, "/admin/runs?activity_id=%00").status == 400)
        try await completions.unsubscribe()
        await nats.close()
        #expect(try await worker.stop() == 0)
    }

    @Test("a Temporal outage pauses the router instead of using up deliveries: the event runs once Temporal is back")
    func temporalOutage() async throws {
        let relay = try await TLSProxy(plainTo: WorkerSafetyIntegrationTests.temporalPort)
        let relayPort = relay.port
        let schema = TestDatabase.newSchemaName()
        let folder = try TemporaryFolder()
        try folder.write("types.yaml", "type: event-type\nid: outage.test\n")
        try folder.write(
            "outage.yaml", "id: after-outage\ntrigger: {type: event, event_type: outage.test}\naction: {type: echo}\n")
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path,
            extra: ["TEMPORAL_ADDRESS": relay.address, "ACTIVITY_EVENT_MAX_DELIVER": "3"])
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token")
        defer { worker.process.terminate() }
        let nats = try await NATSClientIntegrationTests.connect()
        try await WorkerUnderTest.waitForStream(environment["ACTIVITY_EVENT_STREAM"] ?? "", js: JetStream(client: nats))

        // Temporal away for 20 s: at a delivery every 2 s plus the client's retries, three
        // deliveries would be used up well within that.
        await relay.close()
        let eventID = "outage-\(schema)"
        try await nats.publish(
            "it.\(schema).outage", payload: ByteBuffer(string: #"{"id":"\#(eventID)","type":"outage.test"}"#))
        try await nats.flush()
        try await Task.sleep(for: .seconds(20))
        let back = try await TLSProxy(plainTo: WorkerSafetyIntegrationTests.temporalPort, port: relayPort)
        defer { Task { await back.close() } }
        let runs = try await worker.runs(of: "after-outage", timeout: .seconds(60)) {
            $0.first?["status"] as? String == "succeeded"
        }
        #expect(
            runs.first?["workflow_id"] as? String == "activity-after-outage:\(eventID)",
            "\(worker.logText.suffix(3_000))")
        #expect(try await worker.metric("activity_events_dead_lettered_total") == 0)
        await nats.close()
        #expect(try await worker.stop() == 0)
    }

    @Test("an existing stream with a narrower subject takes a wider one in its place instead of refusing the overlap")
    func existingStreamCover() async throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let name = "IT_COVER_\(tag.uppercased())"
        let base = "itc\(tag)"
        let nats = try await NATSClientIntegrationTests.connect()
        let js = JetStream(client: nats)
        try await js.ensureStream(name, subjects: ["\(base).*.push"])
        let source = JetStreamEventSource(
            client: nats, stream: name,
            consumer: "router", subjects: ["\(base).configured"], logger: TestDatabase.logger)
        try await source.prepare()
        #expect(Set(try await js.streamSubjects(name) ?? []) == ["\(base).*.push", "\(base).configured"])
        // An event type on base.> arrives: it covers both, and JetStream would refuse it beside them.
        await source.require(
            subjects: SubjectPattern.streamSubjects(configured: ["\(base).configured"], extra: ["\(base).>"]).subjects)
        #expect(try await js.streamSubjects(name) == ["\(base).>"])
        #expect(await source.readinessWarning() == nil)
        await source.close()
        try await js.deleteStream(name)
        await nats.close()
    }
}
