/// Which hosts an `http` action may reach: every address except loopback, link-local,
/// private, unspecified and multicast ones (`AddressRule`), unless an `ACTIVITY_HTTP_ALLOW`
/// entry allows the address (a block) or the URL's host (a name or `*.suffix`).
///
/// The worker resolves a name once, checks the addresses, and connects to an address it
/// checked, so a name that answers differently on a second lookup (DNS rebinding) reaches
/// nothing that was not checked.
public struct OutboundPolicy: Sendable, Hashable {
    public var allowed: [AllowEntry]

    public init(allowed: [AllowEntry] = []) {
        self.allowed = allowed
    }

    /// Comma-separated entries; an empty text allows nothing beyond the internet.
    public init(parsing text: String) throws(OutboundPolicyError) {
        var entries: [AllowEntry] = []
        for part in text.split(separator: ",") {
            let trimmed = String(part).trimmingASCIIWhitespace()
            guard !trimmed.isEmpty else { continue }
            guard let entry = AllowEntry(trimmed) else { throw OutboundPolicyError(entry: trimmed) }
            entries.append(entry)
        }
        self.allowed = entries
    }

    /// The development setting: loopback, over IPv4 and IPv6.
    public static let loopbackAllowed = OutboundPolicy(allowed: AddressRule.loopback.blocks.map(AllowEntry.block))

    /// Whether an entry names the URL's host (its addresses are then not checked).
    public func allowsName(_ host: String) -> Bool {
        self.allowed.contains { $0.allows(host: host) }
    }

    /// Why `address` (written `host` in the URL) may not be reached; nil when it may.
    public func refusal(of address: IPAddress, host: String) -> OutboundRefusal? {
        if self.allowsName(host) { return nil }
        guard let (rule, block) = AddressRule.match(address) else { return nil }
        let unmapped = address.unmapped
        let allowed = self.allowed.contains { entry in
            if case .block(let allowed) = entry {
                allowed.contains(unmapped) || allowed.contains(address)
            } else {
                false
            }
        }
        return allowed ? nil : OutboundRefusal(host: host, address: address, rule: rule, block: block)
    }

    /// The refusal a URL's host meets without any lookup: an address literal, or `localhost`
    /// and the names below it (RFC 6761: always loopback). Nil for other names, which are
    /// judged when the request is made.
    public func literalRefusal(host: String) -> OutboundRefusal? {
        if let address = IPAddress(host) { return self.refusal(of: address, host: host) }
        let name = AllowEntry.normalized(host)
        if name == "localhost" || name.hasSuffix(".localhost") {
            return self.refusal(of: .v4(0x7f00_0001), host: host)
        }
        return nil
    }

    /// Resolves `host` (unless it is an address) and picks the address to connect to: the
    /// first one the policy accepts. Refused when it accepts none.
    public func decide(host: String, resolver: some HostResolver) async throws -> OutboundDecision {
        if let address = IPAddress(host) {
            if let refusal = self.refusal(of: address, host: host) { return .refused(refusal) }
            return .connect(address)
        }
        let addresses = try await resolver.addresses(of: host)
        guard !addresses.isEmpty else { throw HostResolutionError(host: host, reason: "no address") }
        var refusals: [OutboundRefusal] = []
        for address in addresses {
            guard let refusal = self.refusal(of: address, host: host) else { return .connect(address) }
            refusals.append(refusal)
        }
        return .refused(refusals[0])
    }
}

/// What the policy decided for a host.
public enum OutboundDecision: Sendable, Hashable {
    /// Connect to this address (and no other).
    case connect(IPAddress)
    case refused(OutboundRefusal)
}

/// An `ACTIVITY_HTTP_ALLOW` entry that is no block, name or `*.suffix`.
public struct OutboundPolicyError: Error, Sendable, CustomStringConvertible {
    public var entry: String

    public var description: String {
        "\"\(self.entry)\" is not an address block (10.1.0.0/16, fd00::/8, 192.0.2.7), a host name or *.suffix"
    }
}
