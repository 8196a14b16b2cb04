/// A range of addresses in CIDR notation: `10.0.0.0/8`, `fc00::/7`; a bare address is a block
/// of one (`/32`, `/128`).
public struct AddressBlock: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Nil for text that is not an address with an optional `/length` within its family's
    /// bits. Host bits set (`10.0.0.1/8`) are cleared.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.isV4 ? 32 : 128
        var length = bits
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy({ $0 >= "0" && $0 <= "9" }),
                let given = Int(parts[1]), (0...bits).contains(given)
            else {
                return nil
            }
            length = given
        }
        self.init(address: address, prefixLength: length)
    }

    public init(address: IPAddress, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.address = Self.masked(address, prefixLength)
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        let candidate = self.address.isV4 ? candidate.unmapped : candidate
        switch (self.address, candidate) {
        case (.v4, .v4), (.v6, .v6): return Self.masked(candidate, self.prefixLength) == self.address
        default: return false
        }
    }

    public var description: String { "\(self.address)/\(self.prefixLength)" }

    static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let value):
            return .v4(length == 0 ? 0 : value & ~UInt32(0) << UInt32(32 - length))
        case .v6(let high, let low):
            let highMask: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length))
            let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << UInt64(128 - length))
            return .v6(high & highMask, low & lowMask)
        }
    }
}
