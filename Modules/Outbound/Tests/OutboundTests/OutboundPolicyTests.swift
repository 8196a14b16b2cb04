import Testing

@testable import Outbound

/// Answers from a table and counts the questions: the policy's refusals are proven without
/// any lookup or socket.
final class TableResolver: HostResolver, @unchecked Sendable {
    let answers: [String: [String]]
    private(set) var asked: [String] = []

    init(_ answers: [String: [String]]) {
        self.answers = answers
    }

    func addresses(of host: String) async throws -> [IPAddress] {
        self.asked.append(host)
        guard let texts = self.answers[host] else { throw HostResolutionError(host: host, reason: "unknown") }
        return texts.compactMap(IPAddress.init)
    }
}

@Suite("Outbound policy")
struct OutboundPolicyTests {
    @Test(
        "each refused kind of address, and its block",
        arguments: [
            ("127.0.0.1", AddressRule.loopback, "127.0.0.0/8"), ("127.255.0.9", .loopback, "127.0.0.0/8"),
            ("::1", .loopback, "::1/128"), ("169.254.169.254", .linkLocal, "169.254.0.0/16"),
            ("fe80::1", .linkLocal, "fe80::/10"), ("10.0.0.1", .private, "10.0.0.0/8"),
            ("172.16.5.4", .private, "172.16.0.0/12"), ("172.31.255.255", .private, "172.16.0.0/12"),
            ("192.168.1.1", .private, "192.168.0.0/16"), ("fd00::1", .private, "fc00::/7"),
            ("0.0.0.0", .unspecified, "0.0.0.0/8"), ("::", .unspecified, "::/128"),
            ("224.0.0.1", .multicast, "224.0.0.0/4"), ("ff02::1", .multicast, "ff00::/8"),
            // An IPv4-mapped IPv6 address reaches the IPv4 address it carries.
            ("::ffff:127.0.0.1", .loopback, "127.0.0.0/8"), ("::ffff:169.254.169.254", .linkLocal, "169.254.0.0/16"),
            ("[::ffff:10.1.2.3]", .private, "10.0.0.0/8"),
            // IPv6 forms that carry an IPv4 address: NAT64, IPv4-compatible, 6to4.
            ("64:ff9b::a00:5", .private, "10.0.0.0/8"), ("64:ff9b::a9fe:a9fe", .linkLocal, "169.254.0.0/16"),
            ("::127.0.0.1", .loopback, "127.0.0.0/8"), ("2002:7f00:1::1", .loopback, "127.0.0.0/8"),
            ("2002:a9fe:a9fe::", .linkLocal, "169.254.0.0/16"), ("64:ff9b:1::5", .private, "64:ff9b:1::/48"),
            // Not of the internet either.
            ("100.100.100.200", .reserved, "100.64.0.0/10"), ("198.18.0.1", .reserved, "198.18.0.0/15"),
            ("255.255.255.255", .reserved, "240.0.0.0/4"), ("192.0.0.170", .reserved, "192.0.0.0/24"),
        ])
    func refusedKinds(address: String, rule: AddressRule, block: String) throws {
        let parsed = try #require(IPAddress(address))
        let match = try #require(AddressRule.match(parsed))
        #expect(match.rule == rule)
        #expect(match.block.description == block)
        let refusal = try #require(OutboundPolicy().refusal(of: parsed, host: address))
        #expect(refusal.description.contains(rule.rawValue) && refusal.description.contains("ACTIVITY_HTTP_ALLOW"))
    }

    @Test(
        "addresses of the internet are not refused",
        arguments: [
            "93.184.216.34", "172.32.0.1", "172.15.255.255", "169.255.0.1", "2606:4700::1111", "8.8.8.8",
            "64:ff9b::5db8:d822", "2002:5db8:d822::1", "100.128.0.1",
        ])
    func internet(address: String) throws {
        let parsed = try #require(IPAddress(address))
        #expect(AddressRule.match(parsed) == nil)
        #expect(OutboundPolicy().refusal(of: parsed, host: address) == nil)
    }

    @Test("addresses parse and print back; names, zones and leading zeros are not addresses")
    func parsing() {
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress("2001:0db8:0000::1")?.description == "2001:db8::1")
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("::ffff:10.0.0.1")?.unmapped == .v4(0x0a00_0001))
        for text in ["localhost", "010.0.0.1", "2130706433", "fe80::1%eth0", "1.2.3", "", "[::1"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
        #expect(AddressBlock("10.9.8.7/8")?.description == "10.0.0.0/8")
        #expect(AddressBlock("fd12:3456::/16")?.description == "fd12::/16")
        #expect(AddressBlock("10.0.0.0/33") == nil)
        #expect(AddressBlock("::/129") == nil)
        #expect(AddressBlock("10.0.0.0/+8") == nil)
        #expect(AddressBlock("0.0.0.0/0")?.contains(IPAddress("203.0.113.9")!) == true)
    }

    @Test("ACTIVITY_HTTP_ALLOW: blocks, names and *.suffix; a bad entry is named")
    func allowList() throws {
        let policy = try OutboundPolicy(parsing: " 10.1.0.0/16, Hooks.Internal ,*.svc.cluster.local,::1,")
        #expect(policy.allowed.count == 4)
        #expect(policy.refusal(of: IPAddress("10.1.2.3")!, host: "10.1.2.3") == nil)
        #expect(policy.refusal(of: IPAddress("10.2.0.1")!, host: "10.2.0.1")?.rule == .private)
        #expect(policy.refusal(of: IPAddress("::1")!, host: "[::1]") == nil)
        #expect(policy.refusal(of: IPAddress("127.0.0.1")!, host: "127.0.0.1")?.rule == .loopback)
        // A name allowed by name may resolve to anything.
        #expect(policy.refusal(of: IPAddress("10.9.9.9")!, host: "hooks.internal.") == nil)
        #expect(policy.refusal(of: IPAddress("10.9.9.9")!, host: "api.orders.svc.cluster.local") == nil)
        // `*.suffix` is below the suffix only; other names are not allowed by name.
        #expect(policy.refusal(of: IPAddress("10.9.9.9")!, host: "svc.cluster.local")?.rule == .private)
        #expect(policy.refusal(of: IPAddress("10.9.9.9")!, host: "evil-hooks.internal")?.rule == .private)
        #expect(try OutboundPolicy(parsing: "").allowed.isEmpty)
        for bad in ["10.0.0.0/33", "bad host", "*.", "http://10.0.0.1", "10.0.0.1:80"] {
            #expect(throws: OutboundPolicyError.self) { try OutboundPolicy(parsing: "10.0.0.0/8,\(bad)") }
            do {
                _ = try OutboundPolicy(parsing: bad)
            } catch {
                #expect(error.description.contains(bad.trimmingASCIIWhitespace()), "\(error)")
            }
        }
    }

    @Test("literal targets: addresses and localhost are judged without a lookup, other names are not")
    func literals() {
        let policy = OutboundPolicy()
        #expect(policy.literalRefusal(host: "127.0.0.2")?.rule == .loopback)
        #expect(policy.literalRefusal(host: "[::1]")?.rule == .loopback)
        #expect(policy.literalRefusal(host: "169.254.169.254")?.rule == .linkLocal)
        #expect(policy.literalRefusal(host: "LocalHost")?.rule == .loopback)
        #expect(policy.literalRefusal(host: "api.localhost")?.rule == .loopback)
        #expect(policy.literalRefusal(host: "localhost.example.com") == nil)
        #expect(policy.literalRefusal(host: "metadata.google.internal") == nil)
        #expect(policy.literalRefusal(host: "93.184.216.34") == nil)
        #expect(OutboundPolicy.loopbackAllowed.literalRefusal(host: "localhost") == nil)
        let described = policy.literalRefusal(host: "localhost")?.description ?? ""
        #expect(described.hasPrefix("localhost resolves to 127.0.0.1: loopback (127.0.0.0/8)"), "\(described)")
        #expect(policy.literalRefusal(host: "10.0.0.1")?.description.hasPrefix("10.0.0.1 is private") == true)
    }

    @Test("a name is resolved once; the first address the policy accepts is the one to connect to")
    func decide() async throws {
        let resolver = TableResolver([
            "metadata.example": ["169.254.169.254"], "internal.example": ["10.0.0.1", "fd00::5"],
            "mixed.example": ["10.0.0.1", "93.184.216.34"], "empty.example": [],
        ])
        let policy = OutboundPolicy()
        let metadata = try await policy.decide(host: "metadata.example", resolver: resolver)
        guard case .refused(let refusal) = metadata else {
            Issue.record("\(metadata)")
            return
        }
        #expect(refusal.rule == .linkLocal && refusal.address.description == "169.254.169.254")
        #expect(refusal.description.hasPrefix("metadata.example resolves to 169.254.169.254: link-local"))
        let inside = try await policy.decide(host: "internal.example", resolver: resolver)
        guard case .refused(let first) = inside else {
            Issue.record("\(inside)")
            return
        }
        #expect(first.address.description == "10.0.0.1" && first.rule == .private)
        let mixed = try await policy.decide(host: "mixed.example", resolver: resolver)
        #expect(mixed == .connect(IPAddress("93.184.216.34")!))
        await #expect(throws: HostResolutionError.self) {
            try await policy.decide(host: "empty.example", resolver: resolver)
        }
        // Addresses are not looked up.
        #expect(try await policy.decide(host: "10.0.0.1", resolver: resolver) != .connect(IPAddress("10.0.0.1")!))
        let literal = try await policy.decide(host: "[2606:4700::1111]", resolver: resolver)
        #expect(literal == .connect(IPAddress("2606:4700::1111")!))
        #expect(resolver.asked == ["metadata.example", "internal.example", "mixed.example", "empty.example"])
        let allowed = try OutboundPolicy(parsing: "10.0.0.0/8")
        let allowedInside = try await allowed.decide(host: "internal.example", resolver: resolver)
        #expect(allowedInside == .connect(IPAddress("10.0.0.1")!))
    }

    // Only `localhost`, which /etc/hosts answers: a test asks no name server anything.
    @Test("the system resolver answers localhost from /etc/hosts")
    func systemResolver() async throws {
        let addresses = try await SystemHostResolver().addresses(of: "localhost")
        #expect(addresses.contains { AddressRule.match($0)?.rule == .loopback }, "\(addresses)")
    }
}
