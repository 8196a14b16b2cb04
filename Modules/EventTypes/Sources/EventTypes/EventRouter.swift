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
    }

    /// What happened to one event.
    public enum Outcome: Sendable, Hashable {
        case routed(started: Int, deduplicated: Int)
        case unmatched(String)
        case rejected(String)
        case failed(String)
    }

    let source: any EventSource
    let starter: any WorkflowStarter
    let index: any RoutingIndexProvider
    let logger: Logger
    public let retryDelay: Duration
    private let counts = Mutex(Counts())
    let metrics: EventRouterMetrics

    public init(
        source: any EventSource,
        starter: any WorkflowStarter,
        index: any RoutingIndexProvider,
        logger: Logger,
        retryDelay: Duration = .seconds(2),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
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
        return try fetched.get()
    }

    /// Handles one event, acknowledging it when it is done with.
    public func handle(_ event: ReceivedEvent) async -> Outcome {
        self.counts.withLock { $0.received += 1 }
        let outcome = await self.decide(event)
        do {
            switch outcome {
            case .failed:
                try await event.nak(self.retryDelay)
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
            }
        }
        return outcome
    }

    private func decide(_ event: ReceivedEvent) async -> Outcome {
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
                    return .failed("\(error)")
                }
            }
            return .routed(started: started, deduplicated: deduplicated)
        }
    }
}
