import AsyncHTTPClient
import Definitions
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Runs

/// `http`: `method url` with the run document as JSON body, `Idempotency-Key: <workflow id>`
/// and the action's headers. A non-2xx answer or a timeout fails the attempt.
///
/// One deadline (`timeout_seconds`) covers connect, headers and the whole reply; the reply
/// body is read up to 64 KiB and the rest left unread (a large 2xx is a success, so its side
/// effect is not repeated). Error text names scheme, host and path only, plus at most 200
/// characters of the reply without control characters (CONTRACT section 8).
public struct HTTPActionExecutor: ActionExecutor {
    public static let maxReplyBytes = 64 * 1024
    public static let maxExcerptCharacters = 200

    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    /// The client for http actions: as many connections per host as actions may run at once
    /// (AsyncHTTPClient keeps 8 by default, and a ninth request to one host would wait for a
    /// connection, holding its action slot).
    public static func makeClient(concurrentActions: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, concurrentActions)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    struct Reply: Sendable {
        var status: UInt
        var body: ByteBuffer
        var truncated: Bool
    }

    struct TimedOut: Error {}

    public func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
        guard let url = action.url else { throw ActionError("http action without a url", retryable: false) }
        let shown = "\(action.method) \(RedactedURL.describe(url))"
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: action.method)
        for (name, value) in action.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.headers.replaceOrAdd(name: "Idempotency-Key", value: workflowID)
        request.headers.replaceOrAdd(name: "User-Agent", value: "activity-core")
        request.body = .bytes(ByteBuffer(data: document.canonicalJSON()))
        let timeout = Duration.seconds(action.timeoutSeconds)
        let reply: Reply
        do {
            reply = try await self.exchange(request, within: timeout)
        } catch is TimedOut {
            throw ActionError("\(shown) timed out after \(action.timeoutSeconds) s", retryable: true)
        } catch {
            throw ActionError("\(shown) failed: \(Self.clean(String(describing: error)))", retryable: true)
        }
        var body = reply.body
        guard (200..<300).contains(reply.status) else {
            let excerpt = Self.clean(body.readString(length: body.readableBytes) ?? "")
            throw ActionError(
                "\(shown) answered \(reply.status)\(excerpt.isEmpty ? "" : ": \(excerpt)")", retryable: true)
        }
        let data = body.readData(length: body.readableBytes) ?? Data()
        let parsed =
            (reply.truncated ? nil : try? JSONValue.parse(data))
            ?? (data.isEmpty ? .null : .string(String(decoding: data, as: UTF8.self)))
        var result: [String: JSONValue] = ["status": .integer(Int64(reply.status)), "body": parsed]
        if reply.truncated { result["body_truncated"] = .bool(true) }
        return .object(result)
    }

    /// The request and the reply's first 64 KiB, all within `timeout`: a receiver that stalls
    /// in the middle of its body ends the attempt at the deadline like one that never answers.
    func exchange(_ request: HTTPClientRequest, within timeout: Duration) async throws -> Reply {
        try await withThrowingTaskGroup(of: Reply?.self) { group in
            group.addTask {
                let response = try await self.client.execute(request, timeout: .nanoseconds(Self.nanoseconds(timeout)))
                var body = ByteBuffer()
                var truncated = false
                for try await chunk in response.body {
                    let room = Self.maxReplyBytes - body.readableBytes
                    if chunk.readableBytes > room {
                        var part = chunk
                        if room > 0, let slice = part.readSlice(length: room) { body.writeImmutableBuffer(slice) }
                        truncated = true
                        // The rest is left unread: leaving the loop ends the request.
                        break
                    }
                    body.writeImmutableBuffer(chunk)
                }
                return Reply(status: response.status.code, body: body, truncated: truncated)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let reply = first else { throw TimedOut() }
            return reply
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (value, overflow) = duration.components.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : value
    }

    /// At most 200 characters, control characters (CR, LF, escape, ...) removed.
    static func clean(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { $0.properties.generalCategory != .control }
            ).prefix(Self.maxExcerptCharacters))
    }
}
