import Definitions
import Foundation
import NIOCore
import NIOFoundationCompat
import Synchronization

/// The JetStream calls the router uses, as request/reply JSON on `$JS.API.*`: stream
/// info/create/update, durable pull consumers, fetch, and acknowledgements.
public struct JetStream: Sendable {
    public let client: NATSClient
    /// Deadline of one API request.
    public var timeout: Duration

    public init(client: NATSClient, timeout: Duration = .seconds(5)) {
        self.client = client
        self.timeout = timeout
    }

    /// A stream's subjects, or nil when there is no such stream.
    public func streamSubjects(_ name: String) async throws -> [String]? {
        try await self.streamInfo(name).map { $0.configuration?.subjects ?? [] }
    }

    /// When a stream was created (JetStream's `created` time, as sent), or nil when there is no
    /// such stream: tells one incarnation of a stream name from the next.
    public func streamCreated(_ name: String) async throws -> String? {
        try await self.streamInfo(name).map { $0.created ?? "" }
    }

    /// How many messages a stream holds, or nil when there is no such stream.
    public func streamMessageCount(_ name: String) async throws -> Int? {
        try await self.streamInfo(name).map { $0.state?.messages ?? 0 }
    }

    /// `STREAM.INFO`, or nil when there is no such stream.
    private func streamInfo(_ name: String) async throws -> StreamInfo? {
        let reply = try await self.api("STREAM.INFO.\(name)", NoParameters(), as: StreamInfo.self)
        if let error = reply.error {
            if error.isNotFound { return nil }
            throw error.failure(doing: "stream info \(name)")
        }
        return reply
    }

    /// Deletes a stream; false when there was none.
    @discardableResult
    public func deleteStream(_ name: String) async throws -> Bool {
        let reply = try await self.api("STREAM.DELETE.\(name)", NoParameters(), as: Acknowledgement.self)
        if let error = reply.error {
            if error.isNotFound { return false }
            throw error.failure(doing: "delete stream \(name)")
        }
        return true
    }

    /// Creates the stream with `subjects`, the given limits (`max_age`, `max_bytes`; nil =
    /// unlimited) and `replicas`, or gives an existing stream the subjects `merge(existing, subjects)` (by
    /// default: the missing ones added; its other settings, limits included, are left as they
    /// are, also those this client does not model). Returns the stream's subjects.
    @discardableResult
    public func ensureStream(
        _ name: String, subjects: [String], maxAge: Duration? = nil, maxBytes: Int64? = nil, replicas: Int = 1,
        merge: (@Sendable (_ existing: [String], _ wanted: [String]) -> [String])? = nil
    ) async throws -> [String] {
        guard let info = try await self.streamInfo(name) else {
            let configuration = StreamConfiguration(
                name: name, subjects: subjects, retention: "limits", storage: "file", discard: "old",
                replicas: replicas, maxAge: maxAge.map(Self.nanoseconds), maxBytes: maxBytes)
            let reply = try await self.api("STREAM.CREATE.\(name)", configuration, as: StreamInfo.self)
            if let error = reply.error {
                throw try await self.overlapError(error, stream: name, subjects: subjects)
            }
            return subjects
        }
        let existing = info.configuration?.subjects ?? []
        let merged = merge?(existing, subjects) ?? existing + subjects.filter { !existing.contains($0) }
        guard Set(merged) != Set(existing) else { return existing }
        guard case .object(var configuration) = info.rawConfiguration else {
            throw NATSError(.serverError, "stream \(name) has no configuration")
        }
        configuration["subjects"] = .array(merged.map { .string($0) })
        let reply = try await self.api("STREAM.UPDATE.\(name)", JSONValue.object(configuration), as: StreamInfo.self)
        if let error = reply.error {
            throw try await self.overlapError(
                error, stream: name, subjects: merged.filter { !existing.contains($0) })
        }
        return merged
    }

    /// Creates a durable pull consumer with explicit acks, starting at the stream's first
    /// message (or at `startSequence`, for one made again after it was deleted), or updates an
    /// existing one to `maxDeliver` (nil = unlimited): JetStream treats a create of an
    /// existing name as an update of its editable settings.
    public func ensureConsumer(
        stream: String, durable: String, ackWait: Duration = .seconds(30), maxDeliver: Int? = nil,
        startSequence: UInt64? = nil
    ) async throws {
        let configuration = ConsumerConfiguration(
            durableName: durable, ackPolicy: "explicit",
            deliverPolicy: startSequence == nil ? "all" : "by_start_sequence",
            ackWait: Self.nanoseconds(ackWait), maxDeliver: maxDeliver ?? -1, startSequence: startSequence)
        let reply = try await self.api(
            "CONSUMER.CREATE.\(stream).\(durable)", CreateConsumer(stream: stream, configuration: configuration),
            as: ConsumerInfo.self)
        if let error = reply.error {
            throw error.failure(doing: "create consumer \(durable) on \(stream)")
        }
    }

    /// A consumer's `max_deliver`, or nil when there is no such consumer.
    public func consumerMaxDeliver(stream: String, durable: String) async throws -> Int? {
        try await self.consumerInfo(stream: stream, durable: durable).map { $0.configuration?.maxDeliver ?? -1 }
    }

    /// A stream's `max_age` and `max_bytes` (0 and -1 = unlimited), or nil when there is no
    /// such stream.
    public func streamLimits(_ name: String) async throws -> (maxAge: Duration, maxBytes: Int64)? {
        try await self.streamInfo(name).map { info in
            (.nanoseconds(info.configuration?.maxAge ?? 0), info.configuration?.maxBytes ?? -1)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, overflow) = duration.components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : seconds &+ duration.components.attoseconds / 1_000_000_000
    }

    /// Whether the durable consumer exists.
    public func consumerExists(stream: String, durable: String) async throws -> Bool {
        try await self.consumerInfo(stream: stream, durable: durable) != nil
    }

    /// `CONSUMER.INFO`, or nil when there is no such consumer.
    private func consumerInfo(stream: String, durable: String) async throws -> ConsumerInfo? {
        let reply = try await self.api("CONSUMER.INFO.\(stream).\(durable)", NoParameters(), as: ConsumerInfo.self)
        if let error = reply.error {
            if error.isNotFound { return nil }
            throw error.failure(doing: "consumer info \(durable)")
        }
        return reply
    }

    /// Pulls up to `batch` messages within `expires`; returns them when the batch is full or
    /// the pull expired.
    public func fetch(stream: String, durable: String, batch: Int, expires: Duration) async throws -> [JetStreamMessage]
    {
        let collected = Mutex<[JetStreamMessage]>([])
        try await self.fetch(stream: stream, durable: durable, batch: batch, expires: expires) { message in
            collected.withLock { $0.append(message) }
        }
        return collected.withLock { $0 }
    }

    /// Pulls up to `batch` messages within `expires`, handing each to `receive` as soon as it
    /// arrives (a consumer does not wait for the batch to fill). Returns how many arrived.
    ///
    /// The pull asks for an idle heartbeat (`heartbeat(for:)`): two missed heartbeats mean
    /// the pull lost its server, an error (`.stale`) instead of an empty batch. Status
    /// messages are never handed on: a heartbeat is skipped, "no messages", a timeout, a
    /// completed batch or a leadership change end the pull, a missing consumer (409 Consumer
    /// Deleted, 503 no responders) is `.consumerMissing`, any other status an error.
    @discardableResult
    public func fetch(
        stream: String, durable: String, batch: Int, expires: Duration,
        receive: @Sendable (JetStreamMessage) -> Void
    ) async throws -> Int {
        // A subscription of its own: JetStream delivers a pull's messages under their stream
        // subjects, so only the subscription ID tells them apart.
        let inbox = "_INBOX.js.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        let subscription = try await self.client.subscribe(inbox, persistent: false)
        let heartbeat = Self.heartbeat(for: expires)
        let request = PullRequest(
            batch: batch, expires: Self.nanoseconds(expires), idleHeartbeat: heartbeat.map(Self.nanoseconds))
        let watch = PullWatch(expires: expires, heartbeat: heartbeat)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // Ends the subscription at the pull's deadline, or when heartbeats stop coming.
            group.addTask {
                if await watch.watch() != nil { try? await subscription.unsubscribe() }
            }
            defer { group.cancelAll() }
            try await self.client.publish(
                "$JS.API.CONSUMER.MSG.NEXT.\(stream).\(durable)",
                payload: ByteBuffer(data: try JSONEncoder().encode(request)),
                replyTo: inbox
            )
            var count = 0
            var failure: NATSError?
            pull: for await message in subscription {
                watch.arrived()
                if let status = message.header("Status") {
                    switch Self.pullStatus(status, message.header("Description") ?? "") {
                    case .heartbeat: continue pull
                    case .end: break pull
                    case .failure(let error):
                        failure = error
                        break pull
                    }
                }
                receive(JetStreamMessage(message: message, client: self.client))
                count += 1
                if count >= batch { break }
            }
            try? await subscription.unsubscribe()
            if let failure { throw failure }
            if let lost = watch.lost {
                throw NATSError(
                    .stale, "the pull on consumer \(durable) of stream \(stream) got no heartbeat for \(lost)")
            }
            return count
        }
    }

    /// The idle heartbeat a pull of `expires` asks for: a quarter of it, at most 5 s; none
    /// for a pull shorter than 2 s.
    static func heartbeat(for expires: Duration) -> Duration? {
        guard expires >= .seconds(2) else { return nil }
        return min(expires / 4, .seconds(5))
    }

    enum PullStatus: Equatable {
        case heartbeat
        case end
        case failure(NATSError)
    }

    /// What a status message in a pull's inbox means.
    static func pullStatus(_ status: String, _ description: String) -> PullStatus {
        let lowered = description.lowercased()
        switch status {
        case "100": return .heartbeat
        case "404", "408": return .end
        case "409" where lowered.contains("consumer deleted"):
            return .failure(NATSError(.consumerMissing, "the consumer was deleted (409 \(description))"))
        case "409" where lowered.contains("leadership change") || lowered.contains("batch completed"):
            return .end
        case "503":
            return .failure(
                NATSError(.consumerMissing, "no consumer answered the pull (503: deleted, or JetStream unavailable)"))
        default:
            return .failure(NATSError(.serverError, "JetStream ended the pull: \(status) \(description)"))
        }
    }

    /// One JetStream API call: `request` as JSON to `$JS.API.<operation>`, the answer decoded.
    func api<Reply: APIResponse>(_ operation: String, _ request: some Encodable, as: Reply.Type) async throws -> Reply {
        let data = try JSONEncoder().encode(request)
        let reply: NATSMessage
        do {
            reply = try await self.client.request(
                "$JS.API.\(operation)", payload: ByteBuffer(data: data), timeout: self.timeout)
        } catch let error as NATSError where error.code == .noResponders {
            throw NATSError(
                .serverError, "JetStream is not enabled on this NATS server (no responder for $JS.API.\(operation))")
        }
        do {
            return try JSONDecoder().decode(Reply.self, from: Data(buffer: reply.payload))
        } catch {
            throw NATSError(
                .protocolError, "JetStream answered \(operation) with something this client cannot read: \(error)",
                cause: error)
        }
    }

    /// An overlap refusal names the stream that already covers the subjects.
    private func overlapError(_ error: APIError, stream: String, subjects: [String]) async throws -> NATSError {
        guard (error.description ?? "").contains("overlap") else {
            return error.failure(doing: "create stream \(stream)")
        }
        var owners: [String] = []
        for subject in subjects {
            let reply = try await self.api("STREAM.NAMES", StreamNamesRequest(subject: subject), as: StreamNames.self)
            owners += (reply.streams ?? []).filter { $0 != stream }
        }
        let named = Set(owners).sorted().joined(separator: ", ")
        return NATSError(
            .serverError,
            "JetStream refused stream \(stream): its subjects overlap stream \(named.isEmpty ? "(unknown)" : named); set ACTIVITY_EVENT_STREAM to that stream or remove the overlap"
        )
    }
}

/// A message pulled from a consumer, with its acknowledgements.
public struct JetStreamMessage: Sendable {
    public let message: NATSMessage
    let client: NATSClient

    /// The message was handled: it will not be delivered again.
    public func ack() async throws { try await self.reply("+ACK") }

    /// The message failed: deliver it again after `delay`.
    public func nak(delay: Duration? = nil) async throws {
        if let delay {
            try await self.reply("-NAK {\"delay\": \(Int64(delay.components.seconds) * 1_000_000_000)}")
        } else {
            try await self.reply("-NAK")
        }
    }

    /// The message's place in its stream, the same on every delivery: from the ack subject
    /// `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`
    /// (with `<domain>.<account hash>.` after `ACK` on newer servers, and a token at the end).
    public var streamSequence: (stream: String, sequence: UInt64)? {
        self.message.replyTo.flatMap(Self.streamSequence(ackSubject:))
    }

    static func streamSequence(ackSubject reply: String) -> (stream: String, sequence: UInt64)? {
        let place = Self.ackPlace(ackSubject: reply)
        guard let place, let sequence = place.sequence else { return nil }
        return (place.stream, sequence)
    }

    /// Which delivery of the message this is (1 = the first), from the ack subject.
    public var deliveryCount: Int? {
        self.message.replyTo.flatMap(Self.deliveryCount(ackSubject:))
    }

    static func deliveryCount(ackSubject reply: String) -> Int? {
        Self.ackPlace(ackSubject: reply)?.delivered
    }

    /// Stream, delivery count and stream sequence, read from the ack subject in one pass.
    var ackPlace: AckPlace? { self.message.replyTo.flatMap(Self.ackPlace(ackSubject:)) }

    struct AckPlace {
        var stream: String
        var delivered: Int?
        var sequence: UInt64?
    }

    static func ackPlace(ackSubject reply: String) -> AckPlace? {
        guard reply.hasPrefix("$JS.ACK.") else { return nil }
        let tokens = reply.split(separator: ".")
        // Old form: 9 tokens; new form: 12 (or more with a trailing token).
        let offset = tokens.count >= 12 ? 4 : 2
        guard tokens.count >= offset + 7 else { return nil }
        return AckPlace(
            stream: String(tokens[offset]), delivered: Int(tokens[offset + 2]), sequence: UInt64(tokens[offset + 3]))
    }

    /// The message is given up on: never delivered again (`+TERM`, with the reason on
    /// servers that take one; older ones ignore a reason, so it is sent only when asked).
    public func term(reason: String? = nil) async throws {
        let reason = reason.map { $0.filter { !$0.isNewline } } ?? ""
        try await self.reply(reason.isEmpty ? "+TERM" : "+TERM \(reason)")
    }

    /// Still working on it: restart the ack wait.
    public func inProgress() async throws { try await self.reply("+WPI") }

    private func reply(_ body: String) async throws {
        guard let subject = self.message.replyTo else { throw NATSError(.protocolError, "message has no ack subject") }
        try await self.client.publish(subject, payload: ByteBuffer(string: body))
    }
}
