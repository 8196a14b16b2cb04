import Foundation
import Logging
import Postgres
import PostgresNIO
import Testing

/// Each integration test gets its own PostgreSQL schema on the server `Tools/test` started
/// (DATABASE_URL), migrated, and dropped afterwards, so tests never see each other's data.
enum TestDatabase {
    static let logger = Logger(label: "integration", factory: { _ in SwiftLogNoOpLogHandler() })

    static var urlText: String {
        ProcessInfo.processInfo.environment["DATABASE_URL"]
            ?? "postgres://activity:activity@127.0.0.1:5432/activity_core"
    }

    static func newSchemaName() -> String {
        "it_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
    }

    /// Runs `body` with a migrated database in a fresh schema.
    static func withDatabase(migrated: Bool = true, _ body: @Sendable (ActivityDatabase) async throws -> Void)
        async throws
    {
        let url = try DatabaseURL(Self.urlText)
        let schema = Self.newSchemaName()
        try await ActivityDatabase.withClient(url: url, logger: Self.logger) { client in
            let database = try ActivityDatabase(client: client, schema: schema, logger: Self.logger)
            if migrated {
                try await Migrator(database: database).migrate()
            }
            var failure: (any Error)?
            do {
                try await body(database)
            } catch {
                failure = error
            }
            try await client.query(
                PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: Self.logger)
            if let failure { throw failure }
        }
    }
}

extension TestDatabase {
    /// Runs `body` against a schema another process created (the executable's tests).
    static func withExistingSchema(_ schema: String, _ body: @Sendable (ActivityDatabase) async throws -> Void)
        async throws
    {
        try await ActivityDatabase.withClient(url: try DatabaseURL(Self.urlText), logger: Self.logger) { client in
            try await body(try ActivityDatabase(client: client, schema: schema, logger: Self.logger))
        }
    }
}

/// A temporary definitions folder, removed when the test ends.
struct TemporaryFolder: ~Copyable {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "activity-core-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    var path: String { self.url.path }

    func write(_ relativePath: String, _ text: String) throws {
        let file = self.url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: self.url.appendingPathComponent(relativePath))
    }

    deinit {
        try? FileManager.default.removeItem(at: self.url)
    }
}
