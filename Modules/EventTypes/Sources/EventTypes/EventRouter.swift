import CoreMetrics
import Definitions
import Foundation
import Logging
import Synchronization

/// Routes events to workflow starts (CONTRACT section 5): resolves the type, finds the
/// matching definitions in the in-memory index, starts `RunActivityWorkflow` once per
/// definition and event, and acknowledges only after the starts succeeded (or were
/// deduplicated); a failed start naks the message with a delay so it comes back.
public final class EventRouter: Sendable {
    /// Counters for metrics and tests.
    public struct Counts: Sendable, Hashable {
        public var received = 0
        public var routed = 0
        public var started = 0
        public var deduplicated = 0
        public var unmatched = 0
        public var rejected = 0
        public var failed = 0
        public var deadLettered = 0
    }

    /// What happened to one event.
    public enum Outcome: Sendable, Hashable {
        case routed(started: Int, deduplicated: Int)
        case unmatched(String)
        case rejected(String)
        case failed(String)
        /// Failed on its last allowed delivery: terminated, counted, logged and announced.
        case deadLettered(String)
    }

    /// The largest event body routed (CONTRACT section 8); a larger one is rejected.
    public static let maxBodyBytes = 512 * 1024
    /// The type of the envelope announcing a dead-lettered event, and its subject.
    public static let deadLetteredType = "org.activity.event.dead_lettered"

    let source: any EventSource
    let starter: any WorkflowStarter
    let index: any RoutingIndexProvider
    let logger: Logger
    public let retryDelay: Duration
    /// The consumer's delivery limit: an event that fails its last delivery is dead-lettered.
    public let maxDeliver: Int?
    let deadLetters: (any DeadLetterPublisher)?
    private let counts = Mutex(Counts())
    /// Set when a start failed because the starter (Temporal) is unavailable: the next fetch
    /// waits until it answers, so an outage does not use up the events' deliveries.
    private let starterDown = Mutex(false)
    let metrics: EventRouterMetrics

    public init(
        source: any EventSource,
        starter: any WorkflowStarter,
        index: any RoutingIndexProvider,
        logger: Logger,
        retryDelay: Duration = .seconds(2),
        maxDeliver: Int? = nil,
        deadLetters: (any DeadLetterPublisher)? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        self.maxDeliver = maxDeliver
        self.deadLetters = deadLetters
        self.source = source
        self.starter = starter
        self.index = index
        self.logger = logger
        self.retryDelay = retryDelay
        self.metrics = EventRouterMetrics(factory: metrics)
    }

    public var currentCounts: Counts { self.counts.withLock { $0 } }

    /// Fetches one batch, handling each event concurrently as soon as it arrives (each is
    /// acknowledged on its own, so order does not matter); returns how many events it handled.
    @discardableResult
    public func pollOnce(batch: Int = 64, expires: Duration = .seconds(5)) async throws -> Int {
        await self.index.beforeBatch()
        let (events, arrivals) = AsyncStream<ReceivedEvent>.makeStream()
        async let handled: Void = withTaskGroup(of: Void.self) { handlers in
            for await event in events {
                handlers.addTask {
                    let outcome = await self.handle(event)
                    self.logger.debug(
                        "event handled", metadata: ["event.subject": "\(event.subject)", "event.outcome": "\(outcome)"])
                }
            }
        }
        // Every event that arrived is handled (and acknowledged) before a fetch error is thrown.
        let fetched: Result<Int, any Error>
        do {
            fetched = .success(try await self.source.fetch(batch: batch, expires: expires) { arrivals.yield($0) })
        } catch {
            fetched = .failure(error)
        }
        arrivals.finish()
        await handled
        if self.starterDown.withLock({ $0 }) {
            self.logger.warning("workflow starts failing: Temporal is unavailable; fetching waits until it answers")
            await self.starter.waitUntilAvailable()
            self.starterDown.withLock { $0 = false }
            self.logger.info("Temporal answers again; fetching goes on")
        }
        return try fetched.get()
    }

    /// Handles one event, acknowledging it when it is done with.
    public func handle(_ event: ReceivedEvent) async -> Outcome {
        self.counts.withLock { $0.received += 1 }
        var outcome = await self.decide(event)
        do {
            switch outcome {
            case .failed(let reason):
                if let maxDeliver = self.maxDeliver, let count = event.deliveryCount, count >= maxDeliver {
                    // The server delivers it no more: announced whether or not the term lands.
                    outcome = .deadLettered(reason)
                    await self.announceDeadLetter(event, reason: reason, deliveries: count)
                    try await event.term(String(reason.prefix(200)))
                } else {
                    try await event.nak(self.retryDelay)
                }
            default:
                try await event.ack()
            }
        } catch {
            self.logger.warning(
                "cannot acknowledge event", metadata: ["event.subject": "\(event.subject)", "error": "\(error)"])
        }
        self.metrics.count(outcome)
        self.counts.withLock { counts in
            switch outcome {
            case .routed(let started, let deduplicated):
                counts.routed += 1
                counts.started += started
                counts.deduplicated += deduplicated
            case .unmatched: counts.unmatched += 1
            case .rejected: counts.rejected += 1
            case .failed: counts.failed += 1
            case .deadLettered: counts.deadLettered += 1
            }
        }
        return outcome
    }

    /// Logs the event given up on and publishes `org.activity.event.dead_lettered` (not for a
    /// dead-letter envelope itself: a failing handler of those would loop).
    private func announceDeadLetter(_ event: ReceivedEvent, reason: String, deliveries: Int) async {
        let envelope = try? EventEnvelope(body: event.body, messageID: event.messageID, deliveryID: event.deliveryID)
        let stream = event.stream ?? ""
        let sequence = event.sequence.map(String.init) ?? ""
        self.logger.error(
            "event dead-lettered after its last delivery",
            metadata: [
                "nats.stream": "\(stream)", "nats.sequence": "\(sequence)", "event.deliveries": "\(deliveries)",
                "event.id": "\(envelope?.id ?? "")", "event.subject": "\(event.subject)", "reason": "\(reason)",
            ])
        guard let deadLetters = self.deadLetters, envelope?.type != Self.deadLetteredType else { return }
        let id = "\(stream):\(sequence.isEmpty ? (envelope?.id ?? "") : sequence):dead_lettered"
        let announcement = JSONValue.object([
            "id": .string(id),
            "type": .string(Self.deadLetteredType),
            "version": .string("1.0"),
            "timestamp": .string(Date().formatted(.iso8601)),
            "publisher": .string("activity-core"),
            "attributes": .object([
                "stream": .string(stream),
                "sequence": event.sequence.map { .integer(Int64(clamping: $0)) } ?? .null,
                "event_id": envelope.map { .string($0.id) } ?? .null,
                "event_type": envelope?.type.map { .string($0) } ?? .null,
                "subject": .string(event.subject),
                "deliveries": .integer(Int64(deliveries)),
                "reason": .string(String(reason.prefix(1_000))),
            ]),
        ])
        do {
            try await deadLetters.publish(deadLetter: announcement, messageID: id)
        } catch {
            self.logger.error(
                "cannot publish the dead-letter envelope",
                metadata: ["nats.stream": "\(stream)", "nats.sequence": "\(sequence)", "error": "\(error)"])
        }
    }

    private func decide(_ event: ReceivedEvent) async -> Outcome {
        guard event.body.count <= Self.maxBodyBytes else {
            let reason = "event body is \(event.body.count) bytes; the limit is \(Self.maxBodyBytes)"
            self.logger.warning(
                "event rejected", metadata: ["event.subject": "\(event.subject)", "error": "\(reason)"])
            return .rejected(reason)
        }
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope(body: event.body, messageID: event.messageID, deliveryID: event.deliveryID)
        } catch {
            self.logger.warning("event rejected", metadata: ["event.subject": "\(event.subject)", "error": "\(error)"])
            return .rejected(error.message)
        }
        let index: RoutingIndex
        do {
            index = try await self.index.currentIndex()
        } catch {
            return .failed("routing index unavailable: \(error)")
        }
        switch index.route(envelope, subject: event.subject) {
        case .unmatched(let reason):
            self.logger.debug("event unmatched", metadata: ["event.id": "\(envelope.id)", "reason": "\(reason)"])
            return .unmatched(reason)
        case .start(let starts):
            var started = 0
            var deduplicated = 0
            for start in starts {
                do {
                    if try await self.starter.start(workflowID: start.workflowID, input: start.input.canonicalJSON()) {
                        started += 1
                    } else {
                        deduplicated += 1
                    }
                } catch {
                    self.logger.warning(
                        "workflow start failed", metadata: ["workflow.id": "\(start.workflowID)", "error": "\(error)"])
                    if self.starter.isUnavailable(error) { self.starterDown.withLock { $0 = true } }
                    return .failed("\(error)")
                }
            }
            return .routed(started: started, deduplicated: deduplicated)
        }
    }
}
