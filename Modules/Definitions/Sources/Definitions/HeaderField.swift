/// HTTP header field rules of RFC 9110, section 5: what an `http` action may send.
enum HeaderField {
    /// A token: letters, digits and `!#$%&'*+-.^_`|~`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
    }

    /// Visible characters, spaces and tabs: no CR, LF, NUL or other control character (a
    /// line break would let a value inject headers of its own).
    static func isValidValue(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { scalar in
            scalar == "\t" || scalar.properties.generalCategory != .control
        }
    }
}
