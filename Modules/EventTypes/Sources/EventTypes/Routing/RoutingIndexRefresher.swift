import Coordination
import Logging
import ServiceLifecycle

/// Keeps the router's index current without a read per message: refreshes it when the change
/// feed (PostgreSQL's NOTIFY) tells of a generation change (a sync in any process on this
/// database and schema) and, as a fallback for a lost notification, every `fallbackInterval`.
public struct RoutingIndexRefresher: Service, CustomStringConvertible {
    let provider: StoreRoutingIndexProvider
    let feed: (any ChangeFeed)?
    let fallbackInterval: Duration
    let startup: StartupGate
    let logger: Logger

    public init(
        provider: StoreRoutingIndexProvider, feed: (any ChangeFeed)?, fallbackInterval: Duration,
        startup: StartupGate, logger: Logger
    ) {
        self.startup = startup
        self.provider = provider
        self.feed = feed
        self.fallbackInterval = fallbackInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.startup.wait()
            await withTaskGroup(of: Void.self) { group in
                if let feed = self.feed {
                    group.addTask {
                        await feed.listen { payload in
                            await self.refresh(because: payload.map { "notified \($0)" } ?? "listening")
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.fallbackInterval)
                        if Task.isCancelled { break }
                        await self.refresh(because: "fallback check")
                    }
                }
            }
        }
    }

    private func refresh(because reason: String) async {
        do {
            let before = await self.provider.rebuilds
            let index = try await self.provider.refresh()
            if await self.provider.rebuilds != before {
                self.logger.info(
                    "routing index rebuilt",
                    metadata: [
                        "reason": "\(reason)", "index.definitions": "\(index.definitionCount)",
                        "index.subjects": "\(index.subjects.count)",
                    ])
            }
        } catch {
            self.logger.warning(
                "routing index refresh failed", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }
}

extension RoutingIndexRefresher {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    public var description: String { "RoutingIndexRefresher" }
}
