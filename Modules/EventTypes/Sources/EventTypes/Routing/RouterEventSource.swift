/// An event source the worker can steer: the subjects follow the enabled event types, and it
/// is closed (drained) when the router stops.
public protocol RouterEventSource: EventSource {
    /// The subjects to receive from now on (configured ones plus event types' subjects).
    func require(subjects: [String]) async
    func close() async
    /// Why the source is not ready to receive events (readiness), or nil when it is.
    func readinessProblem() async -> String?
    /// What it receives only in part (readiness warnings), or nil.
    func readinessWarning() async -> String?
}
