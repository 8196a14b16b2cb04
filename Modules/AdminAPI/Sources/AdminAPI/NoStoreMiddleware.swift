import HTTPTypes
import Hummingbird

/// `Cache-Control: no-store` on every answer under `/admin` (errors included): what an admin
/// route answers is never kept by a proxy or a browser.
struct NoStoreMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        if Self.applies(to: request.uri.path) { response.headers[.cacheControl] = "no-store" }
        return response
    }

    static func applies(to path: String) -> Bool {
        path == "/admin" || path.hasPrefix("/admin/")
    }
}
