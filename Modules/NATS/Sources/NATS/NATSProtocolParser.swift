import Foundation
import NIOCore

/// Incremental parser of the server side of the NATS protocol: feed bytes as they arrive,
/// take complete operations out. Pure, so that every framing case is a unit test.
struct NATSProtocolParser {
    private var buffer = ByteBuffer()

    struct ProtocolError: Error, Hashable, CustomStringConvertible {
        var description: String
    }

    mutating func feed(_ bytes: ByteBuffer) {
        var bytes = bytes
        self.buffer.writeBuffer(&bytes)
    }

    /// The next complete operation, or nil when more bytes are needed.
    mutating func next() throws -> NATSInbound? {
        let view = self.buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let lineLength = newline - view.startIndex
        guard let rawLine = self.buffer.getString(at: self.buffer.readerIndex, length: lineLength) else { return nil }
        let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : rawLine
        let afterLine = self.buffer.readerIndex + lineLength + 1
        let parts = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let op = parts.first?.uppercased() else {
            self.buffer.moveReaderIndex(to: afterLine)
            return try self.next()
        }
        switch op {
        case "PING":
            self.consume(to: afterLine)
            return .ping
        case "PONG":
            self.consume(to: afterLine)
            return .pong
        case "+OK":
            self.consume(to: afterLine)
            return .ok
        case "-ERR":
            self.consume(to: afterLine)
            let message = line.dropFirst(4).trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "'"))
            return .error(message)
        case "INFO":
            self.consume(to: afterLine)
            return .info(String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces))
        case "MSG":
            // MSG <subject> <sid> [reply-to] <#bytes>
            guard parts.count == 4 || parts.count == 5, let sid = UInt64(parts[2]),
                let size = Int(parts[parts.count - 1])
            else {
                throw ProtocolError(description: "malformed MSG line: \(line)")
            }
            guard let payload = self.payload(at: afterLine, length: size) else { return nil }
            let message = NATSMessage(subject: parts[1], replyTo: parts.count == 5 ? parts[3] : nil, payload: payload)
            return .message(sid: sid, message)
        case "HMSG":
            // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
            guard parts.count == 5 || parts.count == 6, let sid = UInt64(parts[2]),
                let headerSize = Int(parts[parts.count - 2]), let total = Int(parts[parts.count - 1]),
                headerSize <= total
            else {
                throw ProtocolError(description: "malformed HMSG line: \(line)")
            }
            guard var all = self.payload(at: afterLine, length: total) else { return nil }
            let headerText = all.readString(length: headerSize) ?? ""
            let message = NATSMessage(
                subject: parts[1],
                replyTo: parts.count == 6 ? parts[3] : nil,
                headers: Self.headers(headerText),
                payload: all
            )
            return .message(sid: sid, message)
        default:
            throw ProtocolError(description: "unknown operation \(op)")
        }
    }

    /// The payload of `length` bytes at `offset`, consumed with its trailing CRLF; nil while
    /// incomplete.
    private mutating func payload(at offset: Int, length: Int) -> ByteBuffer? {
        let needed = offset - self.buffer.readerIndex + length + 2
        guard self.buffer.readableBytes >= needed, let slice = self.buffer.getSlice(at: offset, length: length) else {
            return nil
        }
        self.consume(to: offset + length + 2)
        return slice
    }

    private mutating func consume(to index: Int) {
        self.buffer.moveReaderIndex(to: index)
        if self.buffer.readableBytes == 0 { self.buffer.clear() }
    }

    /// `NATS/1.0[ status]\r\nName: value\r\n...\r\n\r\n`.
    static func headers(_ text: String) -> [String: [String]] {
        var headers: [String: [String]] = [:]
        let lines = text.components(separatedBy: "\r\n")
        // `NATS/1.0 408 Request Timeout`: the code goes to `Status`, the words to `Description`.
        if let status = lines.first, status.count > 9 {
            let rest = String(status.dropFirst(9)).trimmingCharacters(in: .whitespaces)
            let code = rest.prefix(while: { $0 != " " })
            headers["Status"] = [String(code)]
            let description = rest.dropFirst(code.count).trimmingCharacters(in: .whitespaces)
            if !description.isEmpty { headers["Description"] = [description] }
        }
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            headers[name, default: []].append(value)
        }
        return headers
    }
}
