/// Turns a host name into addresses: the system's resolver in the worker, a fake in tests
/// (which must prove refusals without touching the network).
public protocol HostResolver: Sendable {
    /// Every address the name has, in the resolver's order; throws when it has none.
    func addresses(of host: String) async throws -> [IPAddress]
}

/// A name that could not be resolved.
public struct HostResolutionError: Error, Sendable, CustomStringConvertible {
    public var host: String
    public var reason: String

    public init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }

    public var description: String { "cannot resolve \(self.host): \(self.reason)" }
}
