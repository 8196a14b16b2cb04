import EventTypes
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// Events over core NATS, for an empty `ACTIVITY_EVENT_STREAM`: subscriptions in a queue
/// group (replicas share the work). NATS keeps no copy: an event published while no worker
/// listens, or while the connection is down, is not routed, and one in hand is lost with the
/// process. A failed start (nak) is retried here, after the router's delay, up to
/// `maxAttempts` attempts in all (`PendingEvents`, in `CoreEventInbox`). Messages go from the
/// connection straight into the inbox: the source runs no task of its own.
public actor CoreNATSEventSource: RouterEventSource {
    /// The connection (a service of its own, which reconnects and subscribes again).
    public let client: NATSClient
    /// The queue group, `ACTIVITY_EVENT_CONSUMER`.
    public let queue: String
    let logger: Logger
    private var subjects: [String]
    /// The sid of each subject's subscription (its messages go straight into `inbox`).
    private var subscriptions: [String: UInt64] = [:]
    private let inbox: CoreEventInbox
    /// How many messages were dropped because the buffer was full (the router fell behind).
    public var dropped: Int { self.inbox.dropped }
    /// How many events were given up after their attempts failed.
    public var gaveUp: Int { self.inbox.gaveUp }

    public init(
        client: NATSClient, queue: String, subjects: [String], capacity: Int = 10_000,
        maxAttempts: Int = 5, logger: Logger
    ) {
        self.client = client
        self.queue = queue
        self.subjects = subjects
        self.inbox = CoreEventInbox(capacity: capacity, maxAttempts: maxAttempts, logger: logger)
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
        let inbox = self.inbox
        let taken = await inbox.take(batch, expires: expires)
        for entry in taken {
            // Nothing to acknowledge; a nak is an attempt more, here.
            receive(
                ReceivedEvent(
                    entry.message, deliveryID: entry.deliveryID, ack: {},
                    nak: { delay in inbox.retry(entry, after: delay) }))
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
        let sids = Array(self.subscriptions.values)
        self.subscriptions = [:]
        for sid in sids { try? await self.client.unsubscribe(sid: sid) }
        self.inbox.wake()
    }

    /// Subscribes to every subject not subscribed yet; drops the subscriptions of subjects no
    /// longer asked for.
    private func subscribe() async throws {
        let inbox = self.inbox
        for subject in self.subjects where self.subscriptions[subject] == nil {
            self.subscriptions[subject] = try await self.client.subscribe(subject, queue: self.queue) { message in
                inbox.arrived(message)
            }
            self.logger.info(
                "subscribed to events (core NATS, at most once)",
                metadata: ["nats.subject": "\(subject)", "nats.queue": "\(self.queue)"])
        }
        for (subject, sid) in self.subscriptions where !self.subjects.contains(subject) {
            self.subscriptions[subject] = nil
            try? await self.client.unsubscribe(sid: sid)
        }
    }
}
