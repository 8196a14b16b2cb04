import Foundation
import NIOSSL
import PostgresNIO

/// A PostgreSQL connection URL: `postgres://`, `postgresql://` or `postgresql+asyncpg://`,
/// with `user:password@host:port/database` and the `sslmode` query parameter.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public static let schemes: Set<String> = ["postgres", "postgresql", "postgresql+asyncpg"]

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: SSLMode
    /// A folder holding the server's unix socket (`?host=/run/postgresql`).
    public var socketDirectory: String?
    /// The server-side deadline of every statement (`statement_timeout`, sent at connection
    /// start), so that a statement stuck behind a lock ends with an error; nil = the server's.
    public var statementTimeoutSeconds: Int?

    public init(_ text: String) throws(DatabaseError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            Self.schemes.contains(scheme)
        else {
            throw DatabaseError(
                .invalidURL,
                "expected postgres://user:password@host:port/database (postgresql:// and postgresql+asyncpg:// accepted)"
            )
        }
        var sslMode = SSLMode.prefer
        var socketDirectory: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = SSLMode(rawValue: value) else {
                    throw DatabaseError(
                        .invalidURL,
                        "sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "host":
                socketDirectory = item.value
            default:
                continue
            }
        }
        self.host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        self.port = components.port ?? 5432
        self.username = components.user?.removingPercentEncoding ?? components.user ?? "postgres"
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path.removingPercentEncoding ?? path
        self.sslMode = sslMode
        self.socketDirectory = socketDirectory
    }

    /// The URL without its password, safe to log.
    public var description: String {
        let credentials = self.password == nil ? self.username : "\(self.username):***"
        return "postgres://\(credentials)@\(self.host):\(self.port)/\(self.database ?? "")"
    }

    public var debugDescription: String { self.description }

    /// Reflection (what libraries print of a value they are given) shows no password either.
    public var customMirror: Mirror {
        Mirror(self, children: ["url": self.description], displayStyle: .struct)
    }

    /// The configuration of a single connection (the startup check).
    public func connectionConfiguration() throws(DatabaseError) -> PostgresConnection.Configuration {
        let client = self.clientConfiguration()
        var configuration: PostgresConnection.Configuration
        if let socket = client.unixSocketPath {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: socket,
                username: self.username,
                password: self.password,
                database: self.database
            )
        } else {
            configuration = PostgresConnection.Configuration(
                host: self.host,
                port: self.port,
                username: self.username,
                password: self.password,
                database: self.database,
                tls: try self.connectionTLS()
            )
        }
        configuration.options.additionalStartupParameters = self.startupParameters
        return configuration
    }

    /// Settings sent when a connection starts.
    var startupParameters: [(String, String)] {
        guard let seconds = self.statementTimeoutSeconds, seconds > 0 else { return [] }
        return [("statement_timeout", "\(seconds)s")]
    }

    /// What `sslmode` asks for: nil for no TLS, else the TLS settings and whether TLS is
    /// required (`prefer`/`allow` fall back to plaintext).
    var tlsSettings: (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch self.sslMode {
        case .disable:
            return nil
        case .allow, .prefer:
            configuration.certificateVerification = .none
            return (configuration, false)
        case .require:
            configuration.certificateVerification = .none
            return (configuration, true)
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
            return (configuration, true)
        case .verifyFull:
            return (configuration, true)
        }
    }

    private func connectionTLS() throws(DatabaseError) -> PostgresConnection.Configuration.TLS {
        guard let settings = self.tlsSettings else { return .disable }
        do {
            let context = try NIOSSLContext(configuration: settings.configuration)
            return settings.required ? .require(context) : .prefer(context)
        } catch {
            throw DatabaseError(
                .connectionFailed, "cannot set up TLS for sslmode=\(self.sslMode.rawValue): \(error)", cause: error)
        }
    }

    /// The PostgresNIO client configuration for this URL.
    public func clientConfiguration() -> PostgresClient.Configuration {
        var configuration = self.clientConfigurationWithoutOptions()
        configuration.options.additionalStartupParameters = self.startupParameters
        return configuration
    }

    private func clientConfigurationWithoutOptions() -> PostgresClient.Configuration {
        if let directory = self.socketDirectory, directory.hasPrefix("/") {
            return PostgresClient.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(self.port)",
                username: self.username,
                password: self.password,
                database: self.database
            )
        }
        let tls: PostgresClient.Configuration.TLS =
            switch self.tlsSettings {
            case nil: .disable
            case .some(let settings):
                settings.required ? .require(settings.configuration) : .prefer(settings.configuration)
            }
        return PostgresClient.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: tls
        )
    }
}
