/// The kinds of address an http action may not reach unless `ACTIVITY_HTTP_ALLOW` allows
/// them: whatever sits next to the worker rather than on the internet.
public enum AddressRule: String, Sendable, Hashable, CaseIterable {
    case loopback
    /// 169.254.0.0/16 and fe80::/10: the cloud metadata services live here.
    case linkLocal = "link-local"
    /// RFC 1918 and RFC 4193; and local-use NAT64 (RFC 8215), which reaches IPv4 networks
    /// of the site.
    case `private`
    /// 0.0.0.0/8 and `::` (Linux connects 0.0.0.0 to the host itself).
    case unspecified
    case multicast
    /// Not of the internet either: shared address space (carrier-grade NAT, some clusters'
    /// pods; a cloud's metadata service at 100.100.100.200), IETF protocol assignments,
    /// benchmarking, and the reserved 240/4 with the broadcast address.
    case reserved

    public var blocks: [AddressBlock] {
        let texts: [String] =
            switch self {
            case .loopback: ["127.0.0.0/8", "::1/128"]
            case .linkLocal: ["169.254.0.0/16", "fe80::/10"]
            case .private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "64:ff9b:1::/48"]
            case .unspecified: ["0.0.0.0/8", "::/128"]
            case .multicast: ["224.0.0.0/4", "ff00::/8"]
            case .reserved: ["100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4"]
            }
        return texts.compactMap(AddressBlock.init)
    }

    /// The rule and block an address falls under; nil for an address of the internet. An
    /// IPv6 address that carries an IPv4 address is judged as that IPv4 address.
    public static func match(_ address: IPAddress) -> (rule: AddressRule, block: AddressBlock)? {
        let address = address.unmapped
        for rule in Self.allCases {
            if let block = rule.blocks.first(where: { $0.contains(address) }) { return (rule, block) }
        }
        return nil
    }
}
