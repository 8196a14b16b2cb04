import Hummingbird
import Logging

/// Turns every failure into `{"error": "..."}`: a refusal keeps its status and message, a
/// path that no route has is a 404, a known path with another method a 405 (with `Allow`),
/// anything else a 500 whose details stay in the log.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes, so that another method on a known path is a `405` with `Allow`.
    let known: KnownOperations

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as AdminError {
            return JSONResponse.error(error.status, error.message)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = self.known.methods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return JSONResponse.error(.notFound, "no route \(request.method) \(request.uri.path)")
            }
            var response = JSONResponse.error(
                .methodNotAllowed,
                "method \(request.method) not allowed on \(request.uri.path) (allowed: \(allowed.joined(separator: ", ")))"
            )
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as HTTPError {
            let message: String =
                switch error.status {
                case .notFound: "no route \(request.method) \(request.uri.path)"
                case .methodNotAllowed: "method \(request.method) not allowed on \(request.uri.path)"
                default: error.body ?? error.status.reasonPhrase
                }
            return JSONResponse.error(error.status, message)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            return JSONResponse.error(.internalServerError, "internal error; see the server log")
        }
    }
}
