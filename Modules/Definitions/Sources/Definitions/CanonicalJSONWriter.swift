/// Writes the bytes `JSONEncoder` writes with sorted keys and unescaped slashes, without an
/// encoder: what a sync hashes once per schedule, so that its hashes stay the ones stored by
/// earlier versions. Numbers with a fraction are left to the encoder (`write` returns false):
/// its formatting of a `Double` is not restated here.
public struct CanonicalJSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// `{`, then the members in key order through `member`, then `}`.
    public mutating func object(_ keys: [String], _ member: (inout CanonicalJSONWriter, String) -> Bool) -> Bool {
        self.bytes.append(UInt8(ascii: "{"))
        for (index, key) in keys.sorted().enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            self.string(key)
            self.bytes.append(UInt8(ascii: ":"))
            guard member(&self, key) else { return false }
        }
        self.bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// Writes `value`; false when it holds a number with a fraction.
    public mutating func write(_ value: JSONValue) -> Bool {
        switch value {
        case .null: self.bytes += Array("null".utf8)
        case .bool(let flag): self.bool(flag)
        case .integer(let number): self.integer(number)
        case .number: return false
        case .string(let text): self.string(text)
        case .array(let items):
            self.bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
                guard self.write(item) else { return false }
            }
            self.bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            return self.object(Array(members.keys)) { writer, key in writer.write(members[key] ?? .null) }
        }
        return true
    }

    public mutating func integer(_ number: some BinaryInteger) {
        self.bytes += Array(String(number).utf8)
    }

    public mutating func bool(_ flag: Bool) {
        self.bytes += Array((flag ? "true" : "false").utf8)
    }

    /// A JSON string: quote, backslash and control characters escaped, the rest as UTF-8.
    public mutating func string(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: self.bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                self.bytes += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]]
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
