import CoreMetrics
import HTTPTypes
import Hummingbird

/// `/admin/*` needs `Authorization: Bearer <token>` (docs/operator/security.md): `403` when no token
/// is configured, `401` when the header is missing or matches no token (compared in constant
/// time with each), `403` when a read token asks for anything but `GET`. The answer to a
/// failed attempt waits longer the more an address failed (`AuthThrottle`). Failures are
/// counted in `activity_admin_auth_failures_total{reason}`.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    let tokens: AdminTokenSet
    let throttle: AuthThrottle
    let metrics: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard self.tokens.isConfigured else {
            throw AdminError(.forbidden, "admin API disabled: set ACTIVITY_ADMIN_TOKEN or ACTIVITY_ADMIN_TOKEN_FILE")
        }
        let address = context.clientAddress
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let presented = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
        guard !presented.isEmpty, let token = self.tokens.match(presented) else {
            self.count(presented.isEmpty ? "missing" : "wrong")
            // A connection without an IP address (a Unix socket, a test's router) has no
            // address to hold back.
            if context.remoteAddress?.ipAddress != nil {
                let delay = self.throttle.failed(address)
                if delay > .zero { try? await Task.sleep(for: delay) }
            }
            var response = JSONResponse.error(.unauthorized, "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard token.role == .admin || request.method == .get || request.method == .head else {
            self.count("read_only")
            throw AdminError(.forbidden, "the token \"\(token.name)\" may only read (GET)")
        }
        var context = context
        context.tokenName = token.name
        context.tokenRole = token.role
        return try await next(request, context)
    }

    func count(_ reason: String) {
        Counter(label: "activity_admin_auth_failures_total", dimensions: [("reason", reason)], factory: self.metrics)
            .increment()
    }
}
