/// The kinds of address an http action may not reach unless `ACTIVITY_HTTP_ALLOW` allows
/// them: whatever sits next to the worker rather than on the internet.
public enum AddressRule: String, Sendable, Hashable, CaseIterable {
    case loopback
    /// 169.254.0.0/16 and fe80::/10: the cloud metadata services live here.
    case linkLocal = "link-local"
    /// RFC 1918 and RFC 4193.
    case `private`
    /// 0.0.0.0/8 and `::` (Linux connects 0.0.0.0 to the host itself).
    case unspecified
    case multicast

    public var blocks: [AddressBlock] {
        let texts: [String] =
            switch self {
            case .loopback: ["127.0.0.0/8", "::1/128"]
            case .linkLocal: ["169.254.0.0/16", "fe80::/10"]
            case .private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
            case .unspecified: ["0.0.0.0/8", "::/128"]
            case .multicast: ["224.0.0.0/4", "ff00::/8"]
            }
        return texts.compactMap(AddressBlock.init)
    }

    /// The rule and block an address falls under; nil for an address of the internet. An
    /// IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
    public static func match(_ address: IPAddress) -> (rule: AddressRule, block: AddressBlock)? {
        let address = address.unmapped
        for rule in Self.allCases {
            if let block = rule.blocks.first(where: { $0.contains(address) }) { return (rule, block) }
        }
        return nil
    }
}
