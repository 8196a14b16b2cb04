/// A bearer token of the admin API, with the name the audit shows and what it may do.
public struct AdminToken: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        /// Every `/admin` route.
        case admin
        /// `GET` only: lists and status, never a sync, trigger or cancel.
        case read
    }

    public var name: String
    public var secret: String
    public var role: Role

    public init(name: String, secret: String, role: Role) {
        self.name = name
        self.secret = secret
        self.role = role
    }
}

extension AdminToken: CustomStringConvertible, CustomReflectable {
    /// Name and role, never the secret.
    public var description: String { "\(self.name) (\(self.role.rawValue))" }

    public var customMirror: Mirror {
        Mirror(self, children: ["name": self.name, "role": self.role.rawValue], displayStyle: .struct)
    }
}
