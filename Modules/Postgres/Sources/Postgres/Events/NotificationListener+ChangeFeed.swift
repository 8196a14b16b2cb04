import EventTypes

/// The LISTEN connection is the routing index's change feed.
extension NotificationListener: ChangeFeed {
    public var isListening: Bool { self.state.isListening }

    public func retryNow() {
        self.state.retryNow()
    }

    public func listen(onChange: @escaping @Sendable (String?) async -> Void) async {
        await self.run(onChange: onChange)
    }
}
