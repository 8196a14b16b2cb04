import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP server on `ACTIVITY_HTTP_HOST:ACTIVITY_HTTP_PORT`, a service of the worker; with
/// `tls` (`ACTIVITY_HTTP_TLS_CERT`, `ACTIVITY_HTTP_TLS_KEY`) it serves HTTPS only.
public struct AdminServer: Service, CustomStringConvertible {
    let responder: RouterResponder<AdminRequestContext>
    let host: String
    let port: Int
    let limits: HTTPServerLimits
    let tls: TLSConfiguration?
    let logger: Logger
    let onRunning: @Sendable (Int) async -> Void
    let connections = OpenConnections()

    /// `onRunning` gets the bound port (useful with port 0).
    public init(
        host: String, port: Int, dependencies: AdminDependencies, limits: HTTPServerLimits = HTTPServerLimits(),
        tls: TLSConfiguration? = nil, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.responder = AdminRoutes.router(dependencies, logger: logger).buildResponder()
        self.host = host
        self.port = port
        self.limits = limits
        self.tls = tls
        self.logger = logger
        self.onRunning = onRunning
    }

    /// The server as configured. TLS wraps the same HTTP/1 pipeline, so the header deadline
    /// also ends a connection whose handshake never completes.
    func server() throws -> HTTPServerBuilder {
        let limits = self.limits
        let connections = self.connections
        let http1 = HTTPServerBuilder.http1(
            configuration: .init(additionalChannelHandlers: [
                ConnectionCapHandler(connections: connections, maxConnections: limits.maxConnections),
                MalformedRequestResponder(), HeaderDeadlineHandler(limits: limits),
            ]))
        guard let tls = self.tls else { return http1 }
        return try .tls(http1, tlsConfiguration: tls)
    }

    public func run() async throws {
        let onRunning = self.onRunning
        let port = self.port
        let application = Application(
            responder: self.responder,
            server: try self.server(),
            configuration: ApplicationConfiguration(
                address: .hostname(self.host, port: self.port), serverName: "activity-core",
                availableConnectionsDelegate: MaximumAvailableConnections(
                    self.limits.maxConnections, logger: self.logger)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: self.logger
        )
        try await application.run()
    }
}

extension AdminServer {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    public var description: String { "AdminServer" }
}
