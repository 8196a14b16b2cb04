import CodedErrors
import PostgresNIO

/// A database failure an operator can act on: a stable code, a message without secrets, and
/// the cause (the `PSQLError`).
public typealias DatabaseError = CodedError<DatabaseErrorCode>

public enum DatabaseErrorCode: String, ErrorCode {
    case invalidURL
    case connectionFailed
    case queryFailed
    case notMigrated
    case lockBusy
    case corruptRecord
}

extension CodedError where Code == DatabaseErrorCode {
    /// The `PSQLError` behind `error`, also when a transaction wraps it.
    public static func serverError(_ error: any Error) -> PSQLError? {
        if let psql = error as? PSQLError { return psql }
        if let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        {
            return Self.serverError(inner)
        }
        return nil
    }

    /// A readable one-line account of any error PostgresNIO throws. `PSQLError`'s own
    /// description hides everything; the server's message and SQLSTATE are safe to show
    /// (they never contain the password), the query's bound values are left out.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message }
        if let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        {
            return Self.describe(inner)
        }
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let server = psql.serverInfo {
            let message = server[.message] ?? "server error"
            let state = server[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = server[.detail].map { ": \($0)" } ?? ""
            return "\(message)\(detail)\(state)"
        }
        if let underlying = psql.underlying {
            return "\(psql.code): \(underlying)"
        }
        return "\(psql.code)"
    }
}
