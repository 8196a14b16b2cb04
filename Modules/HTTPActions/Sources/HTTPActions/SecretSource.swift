/// Where `${secret:NAME}` values come from when a request is made.
public protocol SecretSource: Sendable {
    /// The value of `name` for a request to `host`; throws `SecretError` (which names the
    /// reference, never a value) when there is none, or when it may not go to `host`.
    func value(of name: String, forHost host: String) throws(SecretError) -> String
}

/// Why a secret reference could not be filled in.
public struct SecretError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
