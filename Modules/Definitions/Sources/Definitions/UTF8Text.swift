import Foundation

/// Decoding a definition file's bytes, and the line breaks the loader accepts (LF, CRLF, CR).
enum UTF8Text {
    /// The text, or the offset of the first byte that is not part of valid UTF-8.
    static func decode(_ data: Data) -> Result<String, InvalidOffset> {
        // One validating pass for the usual valid file; the offset is searched only on failure.
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        return .failure(InvalidOffset(offset: self.firstInvalidOffset(data) ?? 0))
    }

    struct InvalidOffset: Error, Hashable {
        var offset: Int
    }

    /// The byte offset where valid UTF-8 ends (overlong forms, surrogates and values past
    /// U+10FFFF are invalid, as in `String(validating:)`); nil when every byte is valid.
    static func firstInvalidOffset(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            guard (lower...upper).contains(bytes[index + 1]) else { return index }
            for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return index }
            index += length
        }
        return nil
    }

    /// The 1-based line of the byte at `offset`, counting LF, CRLF and CR breaks.
    static func line(atOffset offset: Int, in data: Data) -> Int {
        var line = 1
        var previous: UInt8 = 0
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                if previous != UInt8(ascii: "\r") { line += 1 }
            } else if byte == UInt8(ascii: "\r") {
                line += 1
            }
            previous = byte
        }
        return line
    }

    /// The lines of `text`, split at LF, CRLF or CR, without their breaks (a trailing break
    /// gives a last empty line).
    static func lines(_ text: Substring) -> [Substring] {
        // "\r\n" is a single Character in Swift, so splitting on "\n" alone misses it.
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }

    /// `text` without a leading byte order mark.
    static func droppingBOM(_ text: Substring) -> Substring {
        text.hasPrefix("\u{FEFF}") ? text.dropFirst() : text
    }
}
