import Foundation
import SwiftProtobuf

/// The `json/plain` payload codec: metadata `encoding` = `json/plain`, data = UTF-8 JSON.
public enum JSONPayload {
    public static let encoding = "json/plain"

    /// Encodes a value as one `json/plain` payload.
    public static func encode(_ value: some Encodable) throws -> Temporal_Api_Common_V1_Payload {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var payload = Temporal_Api_Common_V1_Payload()
        payload.metadata = ["encoding": Data(Self.encoding.utf8)]
        payload.data = try encoder.encode(value)
        return payload
    }

    /// A payload of JSON bytes that are already encoded.
    public static func raw(_ json: Data) -> Temporal_Api_Common_V1_Payload {
        var payload = Temporal_Api_Common_V1_Payload()
        payload.metadata = ["encoding": Data(Self.encoding.utf8)]
        payload.data = json
        return payload
    }

    /// Decodes a `json/plain` payload; other encodings are refused with a clear error.
    public static func decode<Value: Decodable>(_ type: Value.Type, from payload: Temporal_Api_Common_V1_Payload) throws
        -> Value
    {
        let encoding = payload.metadata["encoding"].map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard encoding == Self.encoding else {
            throw TemporalError(.invalidArgument, "payload encoding \"\(encoding)\" is not \(Self.encoding)")
        }
        return try JSONDecoder().decode(type, from: payload.data)
    }

    /// A memo of strings, each a `json/plain` payload.
    public static func memo(_ fields: [String: String]) throws -> Temporal_Api_Common_V1_Memo {
        var memo = Temporal_Api_Common_V1_Memo()
        for (key, value) in fields { memo.fields[key] = try Self.encode(value) }
        return memo
    }

    /// The string fields of a memo; fields that are not JSON strings are left out.
    public static func strings(of memo: Temporal_Api_Common_V1_Memo) -> [String: String] {
        memo.fields.compactMapValues { Self.plainString($0) ?? (try? Self.decode(String.self, from: $0)) }
    }

    /// A `json/plain` string without escapes (`"activity-core"`), read without a JSON decoder:
    /// a sync reads the memo of every listed schedule. Anything else is nil (decoded in full).
    static func plainString(_ payload: Temporal_Api_Common_V1_Payload) -> String? {
        guard let encoding = payload.metadata["encoding"], encoding.elementsEqual(Self.encoding.utf8) else {
            return nil
        }
        let bytes = payload.data
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return nil }
        let inner = bytes.dropFirst().dropLast()
        // JSON forbids raw control characters in a string; a backslash starts an escape.
        guard !inner.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 < 0x20 }) else {
            return nil
        }
        return String(validating: inner, as: UTF8.self)
    }
}

extension Google_Protobuf_Duration {
    /// A duration of whole seconds.
    public init(wholeSeconds: Int) {
        self.init(seconds: Int64(wholeSeconds), nanos: 0)
    }
}
