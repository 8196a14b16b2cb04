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
        try await self.streamInfo(name).map { ($0["config"] as? [String: Any])?["subjects"] as? [String] ?? [] }
    }

    /// When a stream was created (JetStream's `created` time, as sent), or nil when there is no
    /// such stream: tells one incarnation of a stream name from the next.
    public func streamCreated(_ name: String) async throws -> String? {
        try await self.streamInfo(name).map { $0["created"] as? String ?? "" }
    }

    /// How many messages a stream holds, or nil when there is no such stream.
    public func streamMessageCount(_ name: String) async throws -> Int? {
        try await self.streamInfo(name).map { ($0["state"] as? [String: Any])?["messages"] as? Int ?? 0 }
    }

    /// `STREAM.INFO`, or nil when there is no such stream.
    private func streamInfo(_ name: String) async throws -> [String: Any]? {
        let reply = try await self.api("STREAM.INFO.\(name)", [:])
        if let error = reply["error"] as? [String: Any] {
            if (error["code"] as? Int) == 404 { return nil }
            throw Self.error(error, doing: "stream info \(name)")
        }
        return reply
    }

    /// Deletes a stream; false when there was none.
    @discardableResult
    public func deleteStream(_ name: String) async throws -> Bool {
        let reply = try await self.api("STREAM.DELETE.\(name)", [:])
        if let error = reply["error"] as? [String: Any] {
            if (error["code"] as? Int) == 404 { return false }
            throw Self.error(error, doing: "delete stream \(name)")
        }
        return true
    }

    /// Creates the stream with `subjects` and the given limits (`max_age`, `max_bytes`; nil =
    /// unlimited), or gives an existing stream the subjects `merge(existing, subjects)` (by
    /// default: the missing ones added; its other settings, limits included, are left as they
    /// are). Returns the stream's subjects.
    @discardableResult
    public func ensureStream(
        _ name: String, subjects: [String], maxAge: Duration? = nil, maxBytes: Int64? = nil,
        merge: (@Sendable (_ existing: [String], _ wanted: [String]) -> [String])? = nil
    ) async throws -> [String] {
        guard let existing = try await self.streamSubjects(name) else {
            var config: [String: Any] = [
                "name": name, "subjects": subjects, "retention": "limits", "storage": "file", "discard": "old",
            ]
            if let maxAge { config["max_age"] = Self.nanoseconds(maxAge) }
            if let maxBytes { config["max_bytes"] = maxBytes }
            let reply = try await self.api("STREAM.CREATE.\(name)", config)
            if let error = reply["error"] as? [String: Any] {
                throw try await self.overlapError(error, stream: name, subjects: subjects)
            }
            return subjects
        }
        let merged = merge?(existing, subjects) ?? existing + subjects.filter { !existing.contains($0) }
        guard Set(merged) != Set(existing) else { return existing }
        let info = try await self.api("STREAM.INFO.\(name)", [:])
        guard var config = info["config"] as? [String: Any] else {
            throw NATSError(.serverError, "stream \(name) has no configuration")
        }
        config["subjects"] = merged
        let reply = try await self.api("STREAM.UPDATE.\(name)", config)
        if let error = reply["error"] as? [String: Any] {
            throw try await self.overlapError(
                error, stream: name, subjects: merged.filter { !existing.contains($0) })
        }
        return merged
    }

    /// Creates a durable pull consumer with explicit acks, starting at the stream's first
    /// message, or updates an existing one to `maxDeliver` (nil = unlimited): JetStream treats
    /// a create of an existing name as an update of its editable settings.
    public func ensureConsumer(
        stream: String, durable: String, ackWait: Duration = .seconds(30), maxDeliver: Int? = nil
    ) async throws {
        let config: [String: Any] = [
            "durable_name": durable, "ack_policy": "explicit", "deliver_policy": "all",
            "ack_wait": Self.nanoseconds(ackWait), "max_deliver": maxDeliver ?? -1,
        ]
        let reply = try await self.api(
            "CONSUMER.CREATE.\(stream).\(durable)", ["stream_name": stream, "config": config])
        if let error = reply["error"] as? [String: Any] {
            throw Self.error(error, doing: "create consumer \(durable) on \(stream)")
        }
    }

    /// A consumer's `max_deliver`, or nil when there is no such consumer.
    public func consumerMaxDeliver(stream: String, durable: String) async throws -> Int? {
        let reply = try await self.api("CONSUMER.INFO.\(stream).\(durable)", [:])
        if let error = reply["error"] as? [String: Any] {
            if (error["code"] as? Int) == 404 { return nil }
            throw Self.error(error, doing: "consumer info \(durable)")
        }
        return (reply["config"] as? [String: Any])?["max_deliver"] as? Int ?? -1
    }

    /// A stream's `max_age` and `max_bytes` (0 and -1 = unlimited), or nil when there is no
    /// such stream.
    public func streamLimits(_ name: String) async throws -> (maxAge: Duration, maxBytes: Int64)? {
        try await self.streamInfo(name).map { info in
            let config = info["config"] as? [String: Any] ?? [:]
            let age = (config["max_age"] as? NSNumber)?.int64Value ?? 0
            return (.nanoseconds(age), (config["max_bytes"] as? NSNumber)?.int64Value ?? -1)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, overflow) = duration.components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : seconds &+ duration.components.attoseconds / 1_000_000_000
    }

    /// Whether the durable consumer exists.
    public func consumerExists(stream: String, durable: String) async throws -> Bool {
        let reply = try await self.api("CONSUMER.INFO.\(stream).\(durable)", [:])
        if let error = reply["error"] as? [String: Any] {
            if (error["code"] as? Int) == 404 { return false }
            throw Self.error(error, doing: "consumer info \(durable)")
        }
        return true
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
    @discardableResult
    public func fetch(
        stream: String, durable: String, batch: Int, expires: Duration,
        receive: @Sendable (JetStreamMessage) -> Void
    ) async throws -> Int {
        let inbox = "_INBOX.js.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        let subscription = try await self.client.subscribe(inbox, persistent: false)
        let request: [String: Any] = [
            "batch": batch,
            "expires": Self.nanoseconds(expires),
        ]
        // The subscription ends at the deadline (or when the connection is lost).
        let deadline = ContinuousClock.now + expires + .seconds(2)
        let timer = Task {
            try await Task.sleep(until: deadline)
            try? await subscription.unsubscribe()
        }
        defer { timer.cancel() }
        try await self.client.publish(
            "$JS.API.CONSUMER.MSG.NEXT.\(stream).\(durable)",
            payload: ByteBuffer(data: try JSONSerialization.data(withJSONObject: request)),
            replyTo: inbox
        )
        var count = 0
        for await message in subscription {
            if let status = message.header("Status"), ["404", "408", "409"].contains(status) { break }
            receive(JetStreamMessage(message: message, client: self.client))
            count += 1
            if count >= batch { break }
        }
        try? await subscription.unsubscribe()
        return count
    }

    private func api(_ operation: String, _ body: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        let reply: NATSMessage
        do {
            reply = try await self.client.request(
                "$JS.API.\(operation)", payload: ByteBuffer(data: data), timeout: self.timeout)
        } catch let error as NATSError where error.code == .noResponders {
            throw NATSError(
                .serverError, "JetStream is not enabled on this NATS server (no responder for $JS.API.\(operation))")
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: reply.payload)) as? [String: Any] else {
            throw NATSError(.protocolError, "JetStream answered \(operation) with something that is not a JSON object")
        }
        return object
    }

    /// An overlap refusal names the stream that already covers the subjects.
    private func overlapError(_ error: [String: Any], stream: String, subjects: [String]) async throws -> NATSError {
        let description = error["description"] as? String ?? "\(error)"
        guard description.contains("overlap") else { return Self.error(error, doing: "create stream \(stream)") }
        var owners: [String] = []
        for subject in subjects {
            let reply = try await self.api("STREAM.NAMES", ["subject": subject])
            owners += (reply["streams"] as? [String] ?? []).filter { $0 != stream }
        }
        let named = Set(owners).sorted().joined(separator: ", ")
        return NATSError(
            .serverError,
            "JetStream refused stream \(stream): its subjects overlap stream \(named.isEmpty ? "(unknown)" : named); set ACTIVITY_EVENT_STREAM to that stream or remove the overlap"
        )
    }

    static func error(_ error: [String: Any], doing what: String) -> NATSError {
        NATSError(
            .serverError,
            "JetStream refused to \(what): \(error["description"] as? String ?? "\(error)") (code \(error["err_code"] ?? error["code"] ?? "?"))"
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
        guard reply.hasPrefix("$JS.ACK.") else { return nil }
        let tokens = reply.split(separator: ".").map(String.init)
        // Old form: 9 tokens; new form: 12 (or more with a trailing token).
        let offset = tokens.count >= 12 ? 4 : 2
        guard tokens.count >= offset + 7, let sequence = UInt64(tokens[offset + 3]) else { return nil }
        return (tokens[offset], sequence)
    }

    /// Which delivery of the message this is (1 = the first), from the ack subject.
    public var deliveryCount: Int? {
        self.message.replyTo.flatMap(Self.deliveryCount(ackSubject:))
    }

    static func deliveryCount(ackSubject reply: String) -> Int? {
        guard reply.hasPrefix("$JS.ACK.") else { return nil }
        let tokens = reply.split(separator: ".").map(String.init)
        let offset = tokens.count >= 12 ? 4 : 2
        guard tokens.count >= offset + 7 else { return nil }
        return Int(tokens[offset + 2])
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
