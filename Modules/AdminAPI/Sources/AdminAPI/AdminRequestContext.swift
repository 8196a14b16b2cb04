import Hummingbird
import NIOCore

/// The request context of the admin API: the client's address, and the name of the token a
/// request was let in with (for the audit).
public struct AdminRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by the bearer check of `/admin` routes.
    public var tokenName: String?
    public var tokenRole: AdminToken.Role?
    /// Where a changing request's handler reports what came of it (set by the audit).
    public var auditOutcome: AuditOutcome?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as the audit and the throttle see it; `unknown` without one.
    public var clientAddress: String {
        self.remoteAddress?.ipAddress ?? "unknown"
    }
}
