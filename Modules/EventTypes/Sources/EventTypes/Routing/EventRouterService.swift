import Coordination
import Logging
import ServiceLifecycle

/// Runs the event router until graceful shutdown: fetch a batch, route it, again. A failure
/// (NATS away, stream missing) is logged and retried with backoff; the durable consumer
/// keeps the position, so nothing published meanwhile is lost. On shutdown the source is
/// closed (its NATS connection drained).
public struct EventRouterService: Service, CustomStringConvertible {
    public let router: EventRouter
    let source: any RouterEventSource
    let startup: StartupGate
    let logger: Logger

    public init(router: EventRouter, source: any RouterEventSource, startup: StartupGate, logger: Logger) {
        self.router = router
        self.source = source
        self.startup = startup
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Events wait in the stream until migrations and the startup sync are done.
            await self.startup.wait()
            var delay = Duration.milliseconds(500)
            self.logger.info("event router running")
            while !Task.isCancelled {
                do {
                    try await self.router.pollOnce(batch: 64, expires: .seconds(5))
                    delay = .milliseconds(500)
                } catch {
                    if Task.isCancelled { break }
                    self.logger.warning(
                        "event router: fetch failed; retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
        }
        await self.source.close()
    }
}

extension EventRouterService {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    public var description: String { "EventRouterService" }
}
