import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP server on `ACTIVITY_HTTP_HOST:ACTIVITY_HTTP_PORT`, a service of the worker.
public struct AdminServer: Service, CustomStringConvertible {
    let application: Application<RouterResponder<AdminRequestContext>>

    /// `onRunning` gets the bound port (useful with port 0).
    public init(
        host: String, port: Int, dependencies: AdminDependencies, limits: HTTPServerLimits = HTTPServerLimits(),
        logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.application = Application(
            router: AdminRoutes.router(dependencies, logger: logger),
            server: .http1(
                configuration: .init(additionalChannelHandlers: [
                    MalformedRequestResponder(), HeaderDeadlineHandler(limits: limits),
                ])),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "activity-core",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    public func run() async throws {
        try await self.application.run()
    }
}

extension AdminServer {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    public var description: String { "AdminServer" }
}
