import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One log line per request with a request id (the client's `X-Request-Id`, or a new one),
/// which is also sent back. Never logs headers or bodies (they can hold the token).
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { RequestIDHeader.name }

    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let supplied = request.headers[Self.header].map { String($0.prefix(64)) }
        let id = supplied ?? String(UUID().uuidString.prefix(8)).lowercased()
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = id
        let elapsed = ContinuousClock.now - start
        self.logger.info(
            "http request",
            metadata: [
                "http.request_id": "\(id)", "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                "http.status": "\(response.status.code)",
                "http.duration_ms":
                    "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ])
        return response
    }
}

enum RequestIDHeader {
    // A valid field name by construction; the fallback is never taken.
    static let name = HTTPField.Name("X-Request-Id") ?? .via
}
