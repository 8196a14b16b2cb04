import EventTypes

/// The LISTEN connection's state is the routing index's change feed.
extension ListenerState: ChangeFeed {}
