import EventTypes
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// Events over core NATS, for an empty `ACTIVITY_EVENT_STREAM`: subscriptions in a queue
/// group (replicas share the work). NATS keeps no copy: an event published while no worker
/// listens, or while the connection is down, is not routed, and one in hand is lost with the
/// process. A failed start (nak) is retried here, after the router's delay, up to
/// `maxAttempts` attempts in all (`PendingEvents`).
public actor CoreNATSEventSource: RouterEventSource {
    /// The connection (a service of its own, which reconnects and subscribes again).
    public let client: NATSClient
    /// The queue group, `ACTIVITY_EVENT_CONSUMER`.
    public let queue: String
    let logger: Logger
    private var subjects: [String]
    private var subscriptions: [String: NATSSubscription] = [:]
    private var pumps: [String: Task<Void, Never>] = [:]
    private var pending: PendingEvents
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var waits = 0
    /// How many messages were dropped because the buffer was full (the router fell behind).
    public var dropped: Int { self.pending.dropped }
    /// How many events were given up after their attempts failed.
    public var gaveUp: Int { self.pending.gaveUp }

    public init(
        client: NATSClient, queue: String, subjects: [String], capacity: Int = 10_000,
        maxAttempts: Int = 5, logger: Logger
    ) {
        self.client = client
        self.queue = queue
        self.subjects = subjects
        self.pending = PendingEvents(capacity: capacity, maxAttempts: maxAttempts)
        self.logger = logger
    }

    public func require(subjects: [String]) async {
        self.subjects = subjects
        guard self.client.server != nil else { return }
        do {
            try await self.subscribe()
        } catch {
            self.logger.warning("event subjects not subscribed yet; retrying", metadata: ["error": "\(error)"])
        }
    }

    public func fetch(
        batch: Int, expires: Duration, receive: @escaping @Sendable (ReceivedEvent) -> Void
    ) async throws -> Int {
        try await self.subscribe()
        if self.pending.isEmpty { await self.waitForMessages(expires) }
        let taken = self.pending.take(batch)
        for entry in taken {
            // Nothing to acknowledge; a nak is an attempt more, here.
            receive(
                ReceivedEvent(
                    entry.message, deliveryID: entry.deliveryID, ack: {},
                    nak: { [weak self] delay in await self?.retry(entry, after: delay) }))
        }
        return taken.count
    }

    public func readinessProblem() async -> String? {
        guard !self.client.isClosed, self.client.server != nil else {
            return "not connected to NATS"
        }
        return self.subscriptions.isEmpty ? "no event subjects subscribed yet" : nil
    }

    /// Core NATS takes any subject: nothing is received only in part.
    public func readinessWarning() async -> String? { nil }

    /// Unsubscribes (the client itself is drained by its own service).
    public func close() async {
        for pump in self.pumps.values { pump.cancel() }
        self.pumps = [:]
        for subscription in self.subscriptions.values { try? await subscription.unsubscribe() }
        self.subscriptions = [:]
        self.wake(self.waiter?.id)
    }

    /// Subscribes to every subject not subscribed yet; drops the subscriptions of subjects no
    /// longer asked for.
    private func subscribe() async throws {
        let client = self.client
        for subject in self.subjects where self.subscriptions[subject] == nil {
            let subscription = try await client.subscribe(subject, queue: self.queue)
            self.subscriptions[subject] = subscription
            self.pumps[subject] = Task { [weak self] in
                for await message in subscription { await self?.received(message) }
            }
            self.logger.info(
                "subscribed to events (core NATS, at most once)",
                metadata: ["nats.subject": "\(subject)", "nats.queue": "\(self.queue)"])
        }
        for (subject, subscription) in self.subscriptions where !self.subjects.contains(subject) {
            self.subscriptions[subject] = nil
            self.pumps.removeValue(forKey: subject)?.cancel()
            try? await subscription.unsubscribe()
        }
    }

    private func received(_ message: NATSMessage) {
        self.queued(self.pending.arrived(message))
    }

    /// A failed event comes back after `delay`, or is given up after its last attempt.
    private func retry(_ entry: PendingEvents.Entry, after delay: Duration) {
        guard let next = self.pending.nextAttempt(after: entry) else {
            self.logger.error(
                "event given up: its workflow starts failed on every attempt (core NATS keeps no copy)",
                metadata: [
                    "event.subject": "\(entry.message.subject)", "attempts": "\(entry.attempt)",
                    "events.given_up": "\(self.pending.gaveUp)",
                ])
            return
        }
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.requeue(next)
        }
    }

    private func requeue(_ entry: PendingEvents.Entry) {
        self.queued(self.pending.append(entry))
    }

    private func queued(_ accepted: Bool) {
        guard accepted else {
            let dropped = self.pending.dropped
            if dropped == 1 || dropped % 1000 == 0 {
                self.logger.warning("event buffer full; events dropped", metadata: ["events.dropped": "\(dropped)"])
            }
            return
        }
        self.wake(self.waiter?.id)
    }

    private func waitForMessages(_ expires: Duration) async {
        self.waits += 1
        let id = self.waits
        let timer = Task { [weak self] in
            try? await Task.sleep(for: expires)
            await self?.wake(id)
        }
        await withCheckedContinuation { continuation in
            self.waiter = (id, continuation)
        }
        timer.cancel()
    }

    private func wake(_ id: Int?) {
        guard let waiter = self.waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}
