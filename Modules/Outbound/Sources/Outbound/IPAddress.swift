#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, as the outbound policy compares them.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// The 128 bits as two halves, most significant first.
    case v6(UInt64, UInt64)

    /// Parses `192.0.2.1`, `2001:db8::1` or `[2001:db8::1]` (a URL's host); nil for anything
    /// else (a host name, `010.0.0.1` with leading zeros, a zone `fe80::1%eth0`).
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(text), &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        self = Self(bytes16: bytes)
    }

    /// From the 4 or 16 bytes of a socket address, network order.
    init(bytes16 bytes: [UInt8]) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
        self = .v6(high, low)
    }

    /// The IPv4 address an IPv6 address carries, judged in its place, since a packet to it
    /// can reach that IPv4 address: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
    /// `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` (RFC 6052) and 6to4 `2002:aabb:ccdd::/48`
    /// (RFC 3056). The address itself for any other.
    public var unmapped: IPAddress {
        guard case .v6(let high, let low) = self else { return self }
        let embedded = UInt32(truncatingIfNeeded: low)
        switch (high, low >> 32) {
        case (0, 0xffff):
            return .v4(embedded)
        case (0, 0) where embedded > 1:
            // `::` and `::1` are IPv6's own unspecified and loopback addresses.
            return .v4(embedded)
        case (0x0064_ff9b_0000_0000, 0):
            return .v4(embedded)
        default:
            if high >> 48 == 0x2002 { return .v4(UInt32(truncatingIfNeeded: high >> 16)) }
            return self
        }
    }

    public var isV4: Bool {
        if case .v4 = self { true } else { false }
    }

    /// `192.0.2.1` or `2001:db8::1` (the compressed form).
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
        case .v6(let high, let low):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { raw in
                for index in 0..<8 {
                    raw[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(index)))
                    raw[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(index)))
                }
            }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// How the address is written in a URL's host (`[...]` around IPv6).
    public var urlHost: String {
        self.isV4 ? self.description : "[\(self.description)]"
    }
}
