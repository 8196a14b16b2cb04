import Coordination
import CoreMetrics
import EventTypes
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// The router's events from the JetStream durable consumer, over a client that keeps its own
/// connection (the consumer keeps the position meanwhile). Makes sure the stream and consumer
/// exist and the stream carries the subjects asked for, again after a reconnect or any failed
/// fetch (a restarted server without its storage has neither).
public actor JetStreamEventSource: RouterEventSource {
    public let client: NATSClient
    public let stream: String
    public let consumer: String
    /// Limits of a stream this source creates, and the consumer's delivery limit.
    public let limits: EventStreamLimits
    let logger: Logger
    /// The client's reconnect count when stream and consumer were last verified.
    private var verifiedAt = 0
    private var subjects: [String]
    /// `ACTIVITY_EVENT_SUBJECTS`: what the stream must carry at the least.
    private let configuredSubjects: [String]
    private var appliedSubjects: [String] = []
    private var consumerVerified = false
    /// The consumer existed once: a later check that finds it missing means it was deleted.
    private var consumerSeen = false
    private let position = ConsumerPosition()
    /// `activity_events_consumer_recreated_total`.
    private let recreated: Counter
    /// The stream's creation time: part of the delivery IDs, since a recreated stream counts
    /// its sequence from 1 again.
    private var streamCreated = ""
    /// After a refused subject change: when to try again.
    private var subjectsRetryAt: ContinuousClock.Instant?
    /// After a refused subject change: which subjects the stream lacks, and why.
    private var refusal: String?
    /// Stream changes run one at a time: a fetch and an index rebuild can both ask, and two
    /// creates racing each other fail with "name already in use".
    private let subjectChanges = SingleFlight<Void>()

    public init(
        client: NATSClient, stream: String, consumer: String, subjects: [String],
        limits: EventStreamLimits = EventStreamLimits(), logger: Logger,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.recreated = Counter(label: "activity_events_consumer_recreated_total", factory: metrics)
        self.client = client
        self.stream = stream
        self.consumer = consumer
        self.limits = limits
        self.subjects = subjects
        self.configuredSubjects = subjects
        self.logger = logger
    }

    /// Asks for these stream subjects (after an event-type sync): applied at once when
    /// connected, so events on a new subject are kept from now on; else on the next fetch.
    public func require(subjects: [String]) async {
        self.subjects = subjects
        self.subjectsRetryAt = nil
        guard self.client.server != nil, self.appliedSubjects != subjects else { return }
        do {
            try await self.applySubjects(JetStream(client: self.client))
            if self.appliedSubjects == subjects {
                self.logger.info(
                    "event stream subjects updated",
                    metadata: ["nats.stream": "\(self.stream)", "nats.subjects": "\(subjects)"])
            }
        } catch {
            self.logger.warning(
                "event stream subjects not updated yet; retrying on the next fetch",
                metadata: ["nats.stream": "\(self.stream)", "error": "\(error)"])
        }
    }

    /// Connects and sets up stream and consumer now (startup, readiness).
    public func prepare() async throws {
        _ = try await self.jetStream()
    }

    public nonisolated func fetch(
        batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void
    ) async throws -> Int {
        let (js, created) = try await self.jetStreamAndCreation()
        let position = self.position
        do {
            return try await js.fetch(stream: self.stream, durable: self.consumer, batch: batch, expires: expires) {
                message in
                // Stable across redeliveries; a random one only if the ack subject is unusual.
                // One read of the ack subject for the place and the delivery count.
                let ackPlace = message.ackPlace
                let place = ackPlace.flatMap { ack in ack.sequence.map { (stream: ack.stream, sequence: $0) } }
                let deliveryID =
                    place.map {
                        ReceivedEvent.deliveryID(stream: $0.stream, created: created, sequence: $0.sequence)
                    } ?? UUID().uuidString.lowercased()
                let sequence = place?.sequence
                if let sequence { position.delivered(sequence) }
                var event = ReceivedEvent(
                    message.message, deliveryID: deliveryID,
                    ack: {
                        try await message.ack()
                        if let sequence { position.done(sequence) }
                    },
                    nak: { delay in try await message.nak(delay: delay) })
                event.deliveryCount = ackPlace?.delivered
                event.stream = place?.stream
                event.sequence = sequence
                event.term = { reason in
                    try await message.term(reason: reason)
                    if let sequence { position.done(sequence) }
                }
                receive(event)
            }
        } catch {
            await self.verifyOnNextFetch()
            throw error
        }
    }

    public func readinessProblem() async -> String? {
        guard !self.client.isClosed, self.client.server != nil else {
            return "not connected to NATS"
        }
        let js = JetStream(client: self.client, timeout: .seconds(2))
        do {
            guard try await js.streamSubjects(self.stream) != nil else { return "stream \(self.stream) is missing" }
            guard try await js.consumerExists(stream: self.stream, durable: self.consumer) else {
                return "consumer \(self.consumer) is missing on stream \(self.stream)"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    public func readinessWarning() async -> String? {
        self.refusal
    }

    /// Nothing to let go: the fetches end with the router, the client is drained by its own
    /// service.
    public func close() async {}

    private func verifyOnNextFetch() {
        self.appliedSubjects = []
        self.consumerVerified = false
    }

    /// The JetStream context and the stream's creation time, in one call on the actor.
    private func jetStreamAndCreation() async throws -> (JetStream, String) {
        (try await self.jetStream(), self.streamCreated)
    }

    private func jetStream() async throws -> JetStream {
        let js = JetStream(client: self.client)
        if self.client.reconnectCount != self.verifiedAt {
            // A server back from a restart may have lost the stream (no storage): check again.
            self.verifiedAt = self.client.reconnectCount
            self.verifyOnNextFetch()
        }
        try await self.applySubjects(js)
        if !self.consumerVerified {
            let created = try await js.streamCreated(self.stream) ?? ""
            if created != self.streamCreated { self.position.reset() }
            // Deleted behind the router's back (an operator's cleanup, a stream made again):
            // made again where the router stood, or from the start of a new stream.
            var start: UInt64?
            var missing = false
            if self.consumerSeen {
                missing = try await !js.consumerExists(stream: self.stream, durable: self.consumer)
            }
            if missing { start = self.position.resumeSequence }
            try await js.ensureConsumer(
                stream: self.stream, durable: self.consumer, maxDeliver: self.limits.maxDeliver, startSequence: start)
            if missing {
                self.recreated.increment()
                self.logger.warning(
                    "event consumer was missing (deleted); created again",
                    metadata: [
                        "nats.stream": "\(self.stream)", "nats.consumer": "\(self.consumer)",
                        "nats.start_sequence": "\(start.map { "\($0)" } ?? "first")",
                    ])
            }
            self.streamCreated = created
            self.consumerSeen = true
            self.consumerVerified = true
            self.logger.info(
                "event stream ready",
                metadata: [
                    "nats.stream": "\(self.stream)", "nats.consumer": "\(self.consumer)",
                    "nats.subjects": "\(self.appliedSubjects)",
                ]
            )
        }
        return js
    }

    /// The stream is missing and JetStream refused it with the event types' subjects: create
    /// it with the configured subjects alone (nil when those are refused too, or are all there
    /// was to ask for).
    private func createWithConfiguredSubjects(_ js: JetStream, wanted: [String]) async -> [String]? {
        guard wanted != self.configuredSubjects else { return nil }
        return try? await js.ensureStream(
            self.stream, subjects: self.configuredSubjects, maxAge: self.limits.maxAge, maxBytes: self.limits.maxBytes,
            replicas: self.limits.replicas)
    }

    /// Creates the stream or adds the missing subjects. When an existing stream refuses some
    /// (another stream covers them), events keep flowing on the subjects it has: the error is
    /// logged, naming the other stream, and the subjects are tried again a minute later.
    private func applySubjects(_ js: JetStream) async throws {
        try await self.subjectChanges.exclusive { try await self.applySubjectsNow(js) }
    }

    private func applySubjectsNow(_ js: JetStream) async throws {
        guard self.appliedSubjects != self.subjects else { return }
        if let retryAt = self.subjectsRetryAt, ContinuousClock.now < retryAt { return }
        try await self.changeSubjects(js, to: self.subjects)
    }

    private func changeSubjects(_ js: JetStream, to wanted: [String]) async throws {
        do {
            // An existing stream keeps its subjects; the wanted ones join them as a cover that
            // never overlaps (a wider one replaces those it covers).
            try await js.ensureStream(
                self.stream, subjects: wanted, maxAge: self.limits.maxAge, maxBytes: self.limits.maxBytes,
                replicas: self.limits.replicas,
                merge: { existing, wanted in
                    SubjectPattern.streamSubjects(configured: existing, extra: wanted).subjects
                })
            self.appliedSubjects = wanted
            self.subjectsRetryAt = nil
            self.refusal = nil
        } catch {
            var existing = try await js.streamSubjects(self.stream)
            if existing == nil { existing = await self.createWithConfiguredSubjects(js, wanted: wanted) }
            guard let existing else { throw error }
            self.subjectsRetryAt = ContinuousClock.now + .seconds(60)
            self.appliedSubjects = existing
            let missing = wanted.filter { subject in !existing.contains { SubjectPattern.covers($0, subject) } }
            self.refusal =
                "events on \(missing.joined(separator: ", ")) are not routed: stream \(self.stream) cannot take them (\(error))"
            self.logger.error(
                "event stream keeps its subjects; events on the others are not routed",
                metadata: [
                    "nats.stream": "\(self.stream)", "nats.subjects": "\(existing)",
                    "nats.subjects.wanted": "\(wanted)", "error": "\(error)",
                ])
        }
    }
}
