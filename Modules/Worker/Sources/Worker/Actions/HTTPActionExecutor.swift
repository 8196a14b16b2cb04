import AsyncHTTPClient
import Definitions
import Foundation
import NIOCore
import NIOHTTP1

/// `http`: `method url` with the run document as JSON body, `Idempotency-Key: <workflow id>`
/// and the action's headers. A non-2xx answer or a timeout fails the attempt.
public struct HTTPActionExecutor: ActionExecutor {
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
        guard let url = action.url else { throw ActionError("http action without a url", retryable: false) }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: action.method)
        for (name, value) in action.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.headers.replaceOrAdd(name: "Idempotency-Key", value: workflowID)
        request.headers.replaceOrAdd(name: "User-Agent", value: "activity-core")
        request.body = .bytes(ByteBuffer(data: document.canonicalJSON()))
        let response: HTTPClientResponse
        var body: ByteBuffer
        do {
            response = try await self.client.execute(request, timeout: .seconds(Int64(action.timeoutSeconds)))
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw ActionError("\(action.method) \(url) failed: \(error)", retryable: true)
        }
        guard (200..<300).contains(response.status.code) else {
            let excerpt = body.readString(length: min(body.readableBytes, 200)) ?? ""
            throw ActionError(
                "\(action.method) \(url) answered \(response.status.code)\(excerpt.isEmpty ? "" : ": \(excerpt)")",
                retryable: true)
        }
        let data = body.readData(length: body.readableBytes) ?? Data()
        let parsed =
            (try? JSONValue.parse(data)) ?? (data.isEmpty ? .null : .string(String(decoding: data, as: UTF8.self)))
        return .object(["status": .integer(Int64(response.status.code)), "body": parsed])
    }
}
