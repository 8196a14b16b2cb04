import Definitions
import EventTypes
import Foundation
import Logging
import NATS
import NIOCore
import Postgres
import PostgresNIO
import Synchronization
import Temporal
import Worker

/// The event router against the real services: COUNT events through a JetStream stream and
/// the durable consumer, matched against 50 definitions in the store-backed index.
///   1. matched: a backlog of COUNT events, workflow starts counted in memory (the router's
///      own throughput: fetch, parse, match, ack);
///   2. routed: a backlog of COUNT events, each starting a real workflow on the dev server;
///   3. latency: 250 events at each of 25, 50 and 100 per second, publish -> workflow started.
/// Database reads are counted by the index provider and by PostgreSQL's commit counter.
enum EventsBench {
    static let shards = 50

    static func run(count: Int, environment: [String: String], logger: Logger) async throws {
        let url = try DatabaseURL(
            environment["DATABASE_URL"] ?? "postgres://activity:activity@127.0.0.1:5432/activity_core")
        let temporalConfiguration = try TemporalConfiguration(
            address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233")
        let nats = try NATSConfiguration(
            urls: (environment["NATS_URL"] ?? "nats://127.0.0.1:4222").split(separator: ",").map(String.init))
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let schema = "bench_\(id)"
        let folder = try Self.definitions(id: id)
        defer { try? FileManager.default.removeItem(at: folder) }

        try await ActivityDatabase.withClient(url: url, logger: logger) { client in
            let database = try ActivityDatabase(client: client, schema: schema, logger: logger)
            try await Migrator(database: database).migrate()
            let definitions = PostgresDocumentStore<ActivityDefinition>(database: database)
            let eventTypes = PostgresDocumentStore<EventTypeDefinition>(database: database)
            _ = try await DocumentSync(store: definitions).sync(roots: [folder.path], logger: logger)
            _ = try await DocumentSync(store: eventTypes).sync(roots: [folder.path], logger: logger)
            let provider = StoreRoutingIndexProvider(definitions: definitions, eventTypes: eventTypes)
            let index = try await provider.currentIndex()
            emit(
                "event router: \(count) events, \(index.definitionCount) event definitions on 1 event type "
                    + "(each event matches exactly one by its filter), stream per phase, 2 cores"
            )
            let readsBefore = await provider.reads
            let commitsBefore = try await Self.commits(client, logger: logger)

            let publisher = try await NATSClient.connect(configuration: nats, logger: logger)
            let js = JetStream(client: publisher)

            // 1. matched: the router alone.
            let counting = CountingStarter()
            let matched = try await Self.drain(
                count: count, phase: "m", id: id, nats: nats, js: js, publisher: publisher,
                starter: counting, provider: provider, logger: logger)
            emit(
                "matched: \(count) events in \(BenchTime.seconds(matched.elapsed)) s = "
                    + String(format: "%.0f events/s", Double(count) / BenchTime.value(matched.elapsed))
                    + "  (starts \(counting.count), unmatched \(matched.counts.unmatched), failed \(matched.counts.failed))"
            )

            try await TemporalClient.withClient(configuration: temporalConfiguration, logger: logger) { temporal in
                // Nothing polls this queue: the workflows stay pending; the dev server forgets
                // them on restart.
                let taskQueue = "bench-events-\(id)"
                let starter = TimedStarter(TemporalWorkflowStarter(client: temporal, taskQueue: taskQueue))
                // 2. routed: real workflow starts.
                let routed = try await Self.drain(
                    count: count, phase: "r", id: id, nats: nats, js: js, publisher: publisher,
                    starter: starter, provider: provider, logger: logger)
                emit(
                    "routed: \(count) events in \(BenchTime.seconds(routed.elapsed)) s = "
                        + String(format: "%.0f events/s", Double(count) / BenchTime.value(routed.elapsed))
                        + "  (workflows started \(routed.counts.started), deduplicated \(routed.counts.deduplicated), "
                        + "failed \(routed.counts.failed))"
                )
                // 3. latency at steady rates below the routed capacity.
                for rate in [25, 50, 100] {
                    let latencies = try await Self.latency(
                        events: 250, rate: rate, id: id, nats: nats, js: js, publisher: publisher,
                        starter: starter, provider: provider, logger: logger)
                    emit(
                        "latency at \(rate) events/s: publish -> workflow started  p50 "
                            + "\(BenchTime.milliseconds(BenchTime.quantile(latencies, 0.5))) ms  p99 "
                            + "\(BenchTime.milliseconds(BenchTime.quantile(latencies, 0.99))) ms  max "
                            + "\(BenchTime.milliseconds(latencies.last ?? .zero)) ms  (n = \(latencies.count))"
                    )
                }
            }
            // PostgreSQL counts a backend's commits when it reports its statistics (at most
            // once a second); wait for that.
            try await Task.sleep(for: .seconds(2))
            let commits = try await Self.commits(client, logger: logger) - commitsBefore
            let reads = await provider.reads - readsBefore
            emit(
                "database reads while routing \(2 * count + 750) events: index provider \(reads), "
                    + "PostgreSQL transactions \(commits) (including the 2 that read this counter)"
            )
            await publisher.close()
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }
    }

    /// Publishes a backlog of `count` events, then routes it; the time of the routing.
    static func drain(
        count: Int, phase: String, id: String, nats: NATSConfiguration, js: JetStream, publisher: NATSClient,
        starter: any WorkflowStarter, provider: StoreRoutingIndexProvider, logger: Logger
    ) async throws -> (elapsed: Duration, counts: EventRouter.Counts) {
        let stream = "BENCH_\(phase.uppercased())_\(id.uppercased())"
        let subject = "bench.\(id).\(phase)"
        try await js.ensureStream(stream, subjects: ["\(subject).>"])
        for n in 0..<count {
            try await publisher.publish("\(subject).push", payload: Self.event(phase: phase, id: id, n: n))
            if n % 1000 == 999 { try await publisher.flush(timeout: .seconds(30)) }
        }
        try await publisher.flush(timeout: .seconds(30))
        while (try await js.streamMessageCount(stream) ?? 0) < count { try await Task.sleep(for: .milliseconds(20)) }
        let source = JetStreamEventSource(
            client: publisher, stream: stream, consumer: "bench", subjects: ["\(subject).>"], logger: logger)
        try await source.prepare()
        let router = EventRouter(source: source, starter: starter, index: provider, logger: logger)
        let start = ContinuousClock.now
        while router.currentCounts.received < count {
            try await router.pollOnce(batch: 256, expires: .seconds(1))
        }
        let elapsed = ContinuousClock.now - start
        await source.close()
        try await js.deleteStream(stream)
        return (elapsed, router.currentCounts)
    }

    /// Routes events published at `rate` per second; publish -> started latencies, sorted.
    static func latency(
        events: Int, rate: Int, id: String, nats: NATSConfiguration, js: JetStream, publisher: NATSClient,
        starter: TimedStarter, provider: StoreRoutingIndexProvider, logger: Logger
    ) async throws -> [Duration] {
        let stream = "BENCH_L\(rate)_\(id.uppercased())"
        let subject = "bench.\(id).l\(rate)"
        try await js.ensureStream(stream, subjects: ["\(subject).>"])
        let source = JetStreamEventSource(
            client: publisher, stream: stream, consumer: "bench", subjects: ["\(subject).>"], logger: logger)
        try await source.prepare()
        let router = EventRouter(source: source, starter: starter, index: provider, logger: logger)
        let routing = Task {
            while router.currentCounts.received < events && !Task.isCancelled {
                try await router.pollOnce(batch: 256, expires: .milliseconds(500))
            }
        }
        var published: [String: ContinuousClock.Instant] = [:]
        let interval = Duration.seconds(1) / rate
        let begin = ContinuousClock.now
        for n in 0..<events {
            try await Task.sleep(until: begin + interval * n)
            published["\(n)"] = ContinuousClock.now
            try await publisher.publish("\(subject).push", payload: Self.event(phase: "l\(rate)", id: id, n: n))
        }
        try await routing.value
        await source.close()
        try await js.deleteStream(stream)
        var latencies: [Duration] = []
        for (workflowID, instant) in starter.startedAt where workflowID.contains(":l\(rate)-\(id)-") {
            if let n = workflowID.split(separator: "-").last, let sent = published[String(n)] {
                latencies.append(instant - sent)
            }
        }
        return latencies.sorted()
    }

    static func event(phase: String, id: String, n: Int) -> ByteBuffer {
        ByteBuffer(
            string:
                #"{"id":"\#(phase)-\#(id)-\#(n)","type":"bench.push","attributes":{"shard":"s\#(n % Self.shards)"}}"#
        )
    }

    static func commits(_ client: PostgresClient, logger: Logger) async throws -> Int64 {
        let rows = try await client.query(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", logger: logger)
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }

    /// One event type and `shards` definitions, each filtering on its shard.
    static func definitions(id: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("activity-core-bench-events-\(id)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("activity-definitions"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("event-types"), withIntermediateDirectories: true)
        try "type: event-type\nid: bench.push\n".write(
            to: folder.appendingPathComponent("event-types/bench.yaml"), atomically: true, encoding: .utf8)
        let documents = (0..<Self.shards).map { shard in
            """
            id: on-shard-\(shard)
            trigger: {type: event, event_type: bench.push, filters: {attributes.shard: s\(shard)}}
            action: {type: echo}
            """
        }
        try documents.joined(separator: "\n---\n").write(
            to: folder.appendingPathComponent("activity-definitions/shards.yaml"), atomically: true, encoding: .utf8)
        return folder
    }
}

/// Counts starts without Temporal: the router's own throughput.
final class CountingStarter: WorkflowStarter {
    private let started = Mutex(0)
    var count: Int { self.started.withLock { $0 } }

    func start(workflowID: String, input: Data) async throws -> Bool {
        self.started.withLock { $0 += 1 }
        return true
    }
}

/// Records when each workflow start returned.
final class TimedStarter: WorkflowStarter {
    let base: any WorkflowStarter
    private let times = Mutex([String: ContinuousClock.Instant]())

    init(_ base: any WorkflowStarter) { self.base = base }

    var startedAt: [String: ContinuousClock.Instant] { self.times.withLock { $0 } }

    func start(workflowID: String, input: Data) async throws -> Bool {
        let started = try await self.base.start(workflowID: workflowID, input: input)
        let now = ContinuousClock.now
        self.times.withLock { $0[workflowID] = now }
        return started
    }
}
