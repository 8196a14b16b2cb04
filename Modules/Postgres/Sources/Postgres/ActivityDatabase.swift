import Logging
import PostgresNIO

/// A PostgreSQL client bound to one schema: every table activity-core owns lives in it, so
/// that tests (and several deployments on one server) never see each other's data.
public struct ActivityDatabase: Sendable {
    public let client: PostgresClient
    /// The schema's name, already checked to be a plain identifier.
    public let schema: String
    public let logger: Logger

    public init(client: PostgresClient, schema: String = "public", logger: Logger) throws(DatabaseError) {
        guard Self.isPlainIdentifier(schema) else {
            throw DatabaseError(.invalidURL, "schema \"\(schema)\" must match ^[a-z_][a-z0-9_]{0,62}$")
        }
        self.client = client
        self.schema = schema
        self.logger = logger
    }

    /// `"schema"."table"`, for SQL text.
    public func table(_ name: String) -> String {
        "\"\(self.schema)\".\"\(name)\""
    }

    /// The channel `LISTEN`/`NOTIFY` use for store generation changes in this schema.
    public var notificationChannel: String { "activity_core_\(self.schema)" }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63 else { return false }
        let lower = "abcdefghijklmnopqrstuvwxyz_".unicodeScalars
        let rest = "abcdefghijklmnopqrstuvwxyz_0123456789".unicodeScalars
        return lower.contains(first) && name.unicodeScalars.allSatisfy { rest.contains($0) }
    }

    /// Opens and closes one connection, so that an unreachable server or bad credentials fail
    /// at once with a clear message (the pool would keep retrying in the background).
    public static func checkConnection(url: DatabaseURL, logger: Logger) async throws(DatabaseError) {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: url.connectionConfiguration(),
                id: 0,
                logger: logger
            )
            try await connection.close()
        } catch {
            throw DatabaseError(
                .connectionFailed, "cannot connect to PostgreSQL at \(url): \(DatabaseError.describe(error))")
        }
    }

    /// Runs `body` with a client that is running, then shuts the client down: for commands
    /// that do one thing and exit.
    public static func withClient<Result: Sendable>(
        url: DatabaseURL,
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        try await Self.checkConnection(url: url, logger: logger)
        var configuration = url.clientConfiguration()
        configuration.options.maximumConnections = 8
        // The pool warns when a lease races the start of `run()` below; that race is harmless
        // here (the lease waits), so a one-shot command's background log starts at errors.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
