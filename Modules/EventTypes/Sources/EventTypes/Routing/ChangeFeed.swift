/// How the process hears that the stores changed (PostgreSQL's LISTEN in the worker): while it
/// is down, the routing index checks the stores' generations before each batch, and a
/// successful read asks it to reconnect at once.
public protocol ChangeFeed: Sendable {
    var isListening: Bool { get }
    /// The stores answered: a feed waiting out its reconnect backoff may try again now.
    func retryNow()
    /// Runs until the task is cancelled, reconnecting as needed. `onChange` gets each
    /// notification's payload, and nil after every (re)connect (what was sent meanwhile is
    /// gone).
    func listen(onChange: @escaping @Sendable (String?) async -> Void) async
}
