import HTTPTypes
import Hummingbird

/// `/admin/*` needs `Authorization: Bearer <ACTIVITY_ADMIN_TOKEN>`: 403 when no token is
/// configured, 401 when the header is missing or wrong (compared in constant time).
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token, !token.isEmpty else {
            throw AdminError(.forbidden, "admin API disabled: set ACTIVITY_ADMIN_TOKEN")
        }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let presented = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
        guard ConstantTime.equals(presented, token) else {
            var response = JSONResponse.error(.unauthorized, "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
