import Logging
import PostgresNIO

/// Holds one dedicated connection that `LISTEN`s on a channel and calls `onChange` for each
/// notification, for as long as the task runs. A lost connection is opened again with
/// backoff (cut short by `state.retryNow()`), and `onChange` is called after every
/// (re)connect too, because notifications sent while nobody listened are gone.
public struct NotificationListener: Sendable {
    public let url: DatabaseURL
    public let channel: String
    /// Whether it listens now; `retryNow()` there cuts a reconnect wait short.
    public let state: ListenerState
    let logger: Logger

    public init(url: DatabaseURL, channel: String, state: ListenerState = ListenerState(), logger: Logger) {
        self.url = url
        self.channel = channel
        self.state = state
        self.logger = logger
    }

    /// Runs until the task is cancelled. `onChange` gets the payload, or nil after a connect.
    public func run(onChange: @escaping @Sendable (String?) async -> Void) async {
        var delay = Duration.milliseconds(250)
        var connected = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: self.url.connectionConfiguration(), id: 1, logger: self.logger)
                do {
                    try await connection.listen(on: self.channel) { notifications in
                        if connected {
                            self.logger.info("LISTEN connection restored", metadata: ["pg.channel": "\(self.channel)"])
                        }
                        connected = true
                        self.state.setListening(true)
                        delay = .milliseconds(250)
                        await onChange(nil)
                        for try await notification in notifications {
                            await onChange(notification.payload)
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
                self.state.setListening(false)
            } catch {
                self.state.setListening(false)
                if Task.isCancelled { return }
                self.logger.warning(
                    "LISTEN connection failed; retrying",
                    metadata: [
                        "pg.channel": "\(self.channel)", "error": "\(DatabaseError.describe(error))",
                        "retry.in": "\(delay)",
                    ])
            }
            await self.state.wait(delay)
            delay = min(delay * 2, .seconds(10))
        }
    }
}
