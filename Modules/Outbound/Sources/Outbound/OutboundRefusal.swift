/// Why an http action may not reach a host: the address it is or resolves to, and the rule.
public struct OutboundRefusal: Sendable, Hashable, CustomStringConvertible {
    /// The URL's host, as written.
    public var host: String
    public var address: IPAddress
    public var rule: AddressRule
    public var block: AddressBlock

    public init(host: String, address: IPAddress, rule: AddressRule, block: AddressBlock) {
        self.host = host
        self.address = address
        self.rule = rule
        self.block = block
    }

    /// `localhost resolves to 127.0.0.1: loopback (127.0.0.0/8) is refused unless
    /// ACTIVITY_HTTP_ALLOW allows it`.
    public var description: String {
        let subject = IPAddress(self.host) != nil ? "\(self.address) is" : "\(self.host) resolves to \(self.address):"
        return "\(subject) \(self.rule.rawValue) (\(self.block)), refused unless ACTIVITY_HTTP_ALLOW allows it"
    }
}
