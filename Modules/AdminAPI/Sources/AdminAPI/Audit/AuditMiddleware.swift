import Definitions
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Sync

/// Every `/admin` request that may change something (any method but `GET`), once let in by
/// the bearer check, is audited: one structured log line and one entry in the audit log,
/// with the token's name, the client's address, the query parameters, the status and what
/// came of it. An audit that cannot be written is logged as an error; the answer stands
/// (the change it reports has happened).
struct AuditMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    static let writeTimeout = Duration.seconds(2)

    let log: any AuditLog
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var context = context
        let outcome = AuditOutcome()
        context.auditOutcome = outcome
        let status: Int
        let failure: (any Error)?
        var response: Response?
        do {
            response = try await next(request, context)
            status = response.map { Int($0.status.code) } ?? 500
            failure = nil
        } catch let error as AdminError {
            status = Int(error.status.code)
            outcome.set(.object(["error": .string(error.message)]))
            failure = error
        } catch let error as any HTTPResponseError {
            status = Int(error.status.code)
            outcome.set(.object(["error": .string(error.status.reasonPhrase)]))
            failure = error
        } catch {
            status = 500
            outcome.set(.object(["error": .string("internal error")]))
            failure = error
        }
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let entry = AuditEntry(
            at: Date(), tokenName: context.tokenName ?? "-", client: context.clientAddress,
            method: "\(request.method)", path: request.uri.path, parameters: parameters, status: status,
            outcome: outcome.current)
        self.logger.notice(
            "admin audit",
            metadata: [
                "audit.token": "\(entry.tokenName)", "audit.client": "\(entry.client)",
                "http.method": "\(entry.method)", "http.path": "\(entry.path)",
                "audit.parameters": "\(Self.text(entry.parameters))", "http.status": "\(status)",
                "audit.outcome": "\(String(decoding: entry.outcome.canonicalJSON(), as: UTF8.self))",
            ])
        // The change has happened: a store that does not answer (PostgreSQL down while a
        // cancel went to Temporal) delays the answer by at most `writeTimeout`.
        let log = self.log
        let stored = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await log.record(entry)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            group.addTask {
                try? await Task.sleep(for: Self.writeTimeout)
                return "not stored within \(Self.writeTimeout)"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let problem = stored {
            self.logger.error("admin audit not stored", metadata: ["error": "\(problem)"])
        }
        if let failure { throw failure }
        return response ?? JSONResponse.error(.internalServerError, "internal error; see the server log")
    }

    static func text(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }
}
