import Foundation
import NIOCore
import NIOFoundationCompat

extension JetStream {
    /// JetStream's answer to a publish: where the message is stored.
    public struct PublishAck: Decodable, Sendable, Equatable {
        public var stream: String
        public var seq: UInt64
        /// The stream already had a message with this `Nats-Msg-Id` (a retry): not stored again.
        public var duplicate: Bool?
    }

    struct PublishReply: Decodable {
        var stream: String?
        var seq: UInt64?
        var duplicate: Bool?
        var error: APIError?
    }

    /// Whether a stream captures `subject` (JetStream's `STREAM.NAMES` with a subject filter);
    /// false where JetStream is not enabled.
    public func streamCaptures(_ subject: String) async throws -> Bool {
        let reply: NATSMessage
        do {
            reply = try await self.client.request(
                "$JS.API.STREAM.NAMES",
                payload: ByteBuffer(data: try JSONEncoder().encode(StreamNamesRequest(subject: subject))),
                timeout: self.timeout)
        } catch let error as NATSError where error.code == .noResponders {
            return false
        }
        let names = try JSONDecoder().decode(StreamNames.self, from: Data(buffer: reply.payload))
        return !(names.streams ?? []).isEmpty
    }

    /// Publishes to a subject a stream captures and waits for the stream's acknowledgement,
    /// trying again (same `Nats-Msg-Id`, so a message stored by an attempt whose answer was
    /// lost is not stored twice) after a timeout, "no responders" (the stream's node is down or
    /// electing a leader) or JetStream's 503, until `deadline`. Any other refusal (a full
    /// stream, a wrong expected sequence) is thrown at once with JetStream's words.
    public func publishAcknowledged(
        _ subject: String, payload: ByteBuffer, messageID: String, headers: [String: String] = [:],
        deadline: ContinuousClock.Instant
    ) async throws -> PublishAck {
        var headers = headers
        headers["Nats-Msg-Id"] = messageID
        var wait = Duration.milliseconds(100)
        var last = "no answer"
        while true {
            try Task.checkCancellation()
            let remaining = deadline - .now
            guard remaining > .zero else {
                throw NATSError(
                    .timeout, "no stream acknowledged the message on \(subject) in time (last: \(last))")
            }
            do {
                let reply = try await self.client.request(
                    subject, payload: payload, headers: headers, timeout: min(remaining, self.timeout))
                let answer = try JSONDecoder().decode(PublishReply.self, from: Data(buffer: reply.payload))
                if let stream = answer.stream, let seq = answer.seq {
                    return PublishAck(stream: stream, seq: seq, duplicate: answer.duplicate)
                }
                let error = answer.error
                let words = "\(error?.description ?? "no acknowledgement") (code \(error?.code ?? 0))"
                guard error?.code == 503 else {
                    throw NATSError(.serverError, "JetStream refused the message on \(subject): \(words)")
                }
                last = words
            } catch let error as NATSError
                where [.timeout, .noResponders, .closed, .stale].contains(error.code)
            {
                // A publish the account may not make is answered by nobody: the server's words.
                try self.client.takePermissionViolation(for: subject)
                last = error.message
            }
            try await Task.sleep(for: min(wait, max(deadline - .now, .zero)))
            wait = min(wait * 2, .seconds(2))
        }
    }
}
