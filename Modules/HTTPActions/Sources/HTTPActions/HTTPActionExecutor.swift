import AsyncHTTPClient
import Definitions
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Outbound
import Runs
import Workflows

/// `http`: `method url` with the run document as JSON body, `Idempotency-Key: <workflow id>`
/// and the action's headers. A non-2xx answer or a timeout fails the attempt.
///
/// Before each request the host is resolved and checked against the outbound policy, and
/// the request goes to the address that was checked (`HTTPActionClients`). A refused target
/// fails the run without a retry, naming the rule. Redirects are followed only up to the
/// action's `max_redirects`, each hop checked the same way; a hop to another origin drops
/// the action's headers, and a hop from https to http is refused.
///
/// One deadline (`timeout_seconds`) covers lookups, connects, headers and the whole reply;
/// the reply body is read up to 64 KiB and the rest left unread (a large 2xx is a success,
/// so its side effect is not repeated). Error text names scheme, host and path only, plus at
/// most 200 characters of a non-2xx, non-redirect reply without control characters.
public struct HTTPActionExecutor: ActionExecutor {
    public static let maxReplyBytes = 64 * 1024
    public static let maxExcerptCharacters = 200
    static let redirectStatuses: Set<UInt> = [301, 302, 303, 307, 308]

    public let clients: HTTPActionClients
    public let policy: OutboundPolicy
    public let resolver: any HostResolver
    public let secrets: any SecretSource

    public init(
        clients: HTTPActionClients, policy: OutboundPolicy, secrets: any SecretSource = SecretDirectory(path: nil),
        resolver: any HostResolver = SystemHostResolver()
    ) {
        self.clients = clients
        self.policy = policy
        self.secrets = secrets
        self.resolver = resolver
    }

    struct Reply: Sendable {
        var status: UInt
        var body: ByteBuffer
        var truncated: Bool
        /// A redirect's `Location`, its body unread.
        var location: String?
    }

    struct TimedOut: Error {}

    /// One request of the chain: where, how, and what of the action it still carries.
    struct Hop {
        var url: String
        var method: HTTPMethod
        var sendsBody: Bool
        var sendsHeaders: Bool
    }

    public func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
        guard let url = action.url else { throw ActionError("http action without a url", retryable: false) }
        let shown = "\(action.method) \(RedactedURL.describe(url))"
        let timeout = Duration.seconds(action.timeoutSeconds)
        let body = ByteBuffer(data: Self.withoutHeaders(document).canonicalJSON())
        let headers = try self.headers(of: action, shown: shown)
        let reply: Reply
        do {
            reply = try await Self.within(timeout) { deadline in
                try await self.follow(
                    action, headers: headers, url: url, body: body, workflowID: workflowID, deadline: deadline,
                    shown: shown)
            }
        } catch is TimedOut {
            throw ActionError("\(shown) timed out after \(action.timeoutSeconds) s", retryable: true)
        } catch let error as ActionError {
            throw error
        } catch {
            throw ActionError("\(shown) failed: \(Self.clean(String(describing: error)))", retryable: true)
        }
        var replyBody = reply.body
        guard (200..<300).contains(reply.status) else {
            // Nothing of a redirect's reply is kept.
            let excerpt =
                (300..<400).contains(reply.status)
                ? "" : Self.clean(replyBody.readString(length: replyBody.readableBytes) ?? "")
            throw ActionError(
                "\(shown) answered \(reply.status)\(excerpt.isEmpty ? "" : ": \(excerpt)")", retryable: true)
        }
        let data = replyBody.readData(length: replyBody.readableBytes) ?? Data()
        let parsed =
            (reply.truncated ? nil : try? JSONValue.parse(data))
            ?? (data.isEmpty ? .null : .string(String(decoding: data, as: UTF8.self)))
        var result: [String: JSONValue] = ["status": .integer(Int64(reply.status)), "body": parsed]
        if reply.truncated { result["body_truncated"] = .bool(true) }
        return .object(result)
    }

    /// The request, and each redirect hop `max_redirects` allows, until a reply that is not a
    /// redirect.
    func follow(
        _ action: ActivityAction, headers: [(String, String)], url: String, body: ByteBuffer, workflowID: String,
        deadline: NIODeadline,
        shown: String
    ) async throws -> Reply {
        let origin = Self.origin(of: url)
        var hop = Hop(url: url, method: HTTPMethod(rawValue: action.method), sendsBody: true, sendsHeaders: true)
        var followed = 0
        while true {
            // The host as AsyncHTTPClient reads it (`URL.host`): the DNS override that pins a
            // name's connection is looked up by it. An address (IPv6 in brackets or not) is
            // not pinned.
            guard let written = URL(string: hop.url)?.host, !written.isEmpty else {
                throw ActionError(
                    "\(shown): \(RedactedURL.describe(hop.url)) is not an absolute http(s) URL", retryable: false)
            }
            let address: IPAddress
            switch try await self.policy.decide(host: written, resolver: self.resolver) {
            case .connect(let checked): address = checked
            case .refused(let refusal):
                let step = followed == 0 ? "" : " redirect \(followed) to \(RedactedURL.describe(hop.url))"
                throw ActionError("\(shown)\(step) refused: \(refusal)", retryable: false)
            }
            var request = HTTPClientRequest(url: hop.url)
            request.method = hop.method
            if hop.sendsHeaders {
                for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
            }
            if hop.sendsBody {
                request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
                request.body = .bytes(body)
            }
            request.headers.replaceOrAdd(name: "Idempotency-Key", value: workflowID)
            request.headers.replaceOrAdd(name: "User-Agent", value: "activity-core")
            let pinned: IPAddress? = IPAddress(written) == nil ? address : nil
            let reply = try await self.clients.withClient(host: written, pinnedTo: pinned) { client in
                try await Self.send(request, client: client, deadline: deadline)
            }
            guard let location = reply.location else { return reply }
            guard let next = URL(string: location, relativeTo: URL(string: hop.url))?.absoluteString,
                let scheme = URLComponents(string: next)?.scheme?.lowercased(), scheme == "http" || scheme == "https"
            else {
                throw ActionError(
                    "\(shown) answered \(reply.status) with a Location that is not an http(s) URL", retryable: false)
            }
            guard followed < action.maxRedirects else {
                throw ActionError(
                    "\(shown) answered \(reply.status), a redirect to \(RedactedURL.describe(next)); redirects are followed only up to the action's max_redirects (\(action.maxRedirects))",
                    retryable: false)
            }
            if hop.url.lowercased().hasPrefix("https:") && scheme == "http" {
                throw ActionError(
                    "\(shown) redirect \(followed + 1) to \(RedactedURL.describe(next)) refused: it leaves https for http",
                    retryable: false)
            }
            followed += 1
            // 303, and 301/302 after a POST, continue as a GET without the body (as browsers
            // and HTTP clients do); 307 and 308 repeat the request.
            let becomesGet =
                reply.status == 303 || ((reply.status == 301 || reply.status == 302) && hop.method == .POST)
            hop = Hop(
                url: next, method: becomesGet ? .GET : hop.method, sendsBody: hop.sendsBody && !becomesGet,
                sendsHeaders: hop.sendsHeaders && Self.origin(of: next) == origin)
        }
    }

    /// The action's headers with each `${secret:NAME}` filled in, read now. A reference that
    /// cannot be filled in fails the run without a retry, naming the header and the
    /// reference, never a value.
    /// `host`: the URL's; headers never follow a redirect to another origin.
    func headers(of action: ActivityAction, shown: String) throws -> [(String, String)] {
        let host = URL(string: action.url ?? "")?.host ?? ""
        var filled: [(String, String)] = []
        for (name, value) in action.headers.sorted(by: { $0.key < $1.key }) {
            switch SecretReference.parse(value) {
            case .failure(let problem):
                throw ActionError("\(shown): header \(name): \(problem)", retryable: false)
            case .success(let parts):
                var text = ""
                for part in parts {
                    switch part {
                    case .text(let written): text += written
                    case .secret(let secret):
                        do {
                            text += try self.secrets.value(of: secret, forHost: host)
                        } catch {
                            throw ActionError("\(shown): header \(name): \(error)", retryable: false)
                        }
                    }
                }
                filled.append((name, text))
            }
        }
        return filled
    }

    /// The run document as the request body: `definition.action.headers` left out (the
    /// receiver has the headers themselves; a body is easily logged or forwarded).
    static func withoutHeaders(_ document: JSONValue) -> JSONValue {
        guard var root = document.objectValue, var definition = root["definition"]?.objectValue,
            var action = definition["action"]?.objectValue, action["headers"] != nil
        else { return document }
        action["headers"] = nil
        definition["action"] = .object(action)
        root["definition"] = .object(definition)
        return .object(root)
    }

    /// One request and its reply's first 64 KiB; a redirect's body is not read.
    static func send(_ request: HTTPClientRequest, client: HTTPClient, deadline: NIODeadline) async throws -> Reply {
        let response = try await client.execute(request, deadline: deadline)
        if Self.redirectStatuses.contains(response.status.code), let location = response.headers.first(name: "Location")
        {
            // Left unread: leaving the loop ends the request.
            for try await _ in response.body { break }
            return Reply(status: response.status.code, body: ByteBuffer(), truncated: false, location: location)
        }
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
        return Reply(status: response.status.code, body: body, truncated: truncated, location: nil)
    }

    /// `body` within `timeout`: a receiver that stalls in the middle of its body, or a lookup
    /// that does not answer, ends the attempt at the deadline like one that never answers.
    static func within<T: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable (NIODeadline) async throws -> T
    ) async throws -> T {
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(timeout))
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body(deadline) }
            group.addTask {
                // Released as soon as the body ends (a `Task.sleep` would hold its timer for the
                // whole timeout after every request).
                try await CancellableSleep.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut() }
            return value
        }
    }

    /// Scheme, host and port: a hop elsewhere does not get the action's headers.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        let scheme = components.scheme?.lowercased() ?? ""
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\((components.host ?? "").lowercased()):\(port)"
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
