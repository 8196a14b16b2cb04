/// One entry of `ACTIVITY_HTTP_ALLOW`: a block of addresses, a host name, or `*.suffix` (any
/// name below `suffix`, not `suffix` itself).
public enum AllowEntry: Sendable, Hashable, CustomStringConvertible {
    case block(AddressBlock)
    case host(String)
    case suffix(String)

    /// Nil for text that is none of the three (the caller names the entry in its error).
    public init?(_ text: String) {
        let text = text.trimmingASCIIWhitespace().lowercasedASCII()
        if let block = AddressBlock(text) {
            self = .block(block)
        } else if text.hasPrefix("*."), Self.isHostName(String(text.dropFirst(2))) {
            self = .suffix(String(text.dropFirst(2)))
        } else if Self.isHostName(text) {
            self = .host(text)
        } else {
            return nil
        }
    }

    /// Whether a URL's host (not an address) is this entry's name.
    public func allows(host: String) -> Bool {
        let host = Self.normalized(host)
        switch self {
        case .block: return false
        case .host(let name): return host == name
        case .suffix(let suffix): return host.hasSuffix("." + suffix)
        }
    }

    public var description: String {
        switch self {
        case .block(let block): block.description
        case .host(let name): name
        case .suffix(let suffix): "*." + suffix
        }
    }

    /// Lower case, without the root's trailing dot (`Example.COM.` is `example.com`).
    static func normalized(_ host: String) -> String {
        var host = host.lowercasedASCII()
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// Letters, digits, `-` and `_` in dot-separated labels of 1 to 63 characters.
    static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && label.utf8.allSatisfy { byte in
                    (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2d || byte == 0x5f
                }
        }
    }
}

extension String {
    func lowercasedASCII() -> String {
        String(decoding: self.utf8.map { ($0 >= 0x41 && $0 <= 0x5a) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    func trimmingASCIIWhitespace() -> String {
        let bytes = Array(self.utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
