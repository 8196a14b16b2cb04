import Foundation
import Testing

@testable import Temporal

@Suite("json/plain payloads")
struct PayloadTests {
    @Test("a value round-trips with the json/plain encoding")
    func roundTrip() throws {
        let payload = try JSONPayload.encode(["activity_id": "a", "trigger": "cron"])
        #expect(payload.metadata["encoding"] == Data("json/plain".utf8))
        #expect(String(decoding: payload.data, as: UTF8.self) == #"{"activity_id":"a","trigger":"cron"}"#)
        #expect(
            try JSONPayload.decode([String: String].self, from: payload) == ["activity_id": "a", "trigger": "cron"])
    }

    @Test("another encoding is refused")
    func otherEncoding() throws {
        var payload = try JSONPayload.encode("x")
        payload.metadata["encoding"] = Data("binary/protobuf".utf8)
        #expect(throws: TemporalError.self) { try JSONPayload.decode(String.self, from: payload) }
    }

    @Test("memo fields are json/plain strings")
    func memo() throws {
        let memo = try JSONPayload.memo(["managed-by": "activity-core", "activity-id": "x"])
        #expect(JSONPayload.strings(of: memo) == ["managed-by": "activity-core", "activity-id": "x"])
    }

    @Test(
        "memo strings read without a decoder agree with the decoder",
        arguments: [
            "activity-core", "", "naïve ☃", "quote \" inside", "back\\slash", "tab\tand\nnewline", "slash/ok",
            "\u{1F600}",
        ])
    func memoFastPath(value: String) throws {
        let payload = try JSONPayload.encode(value)
        #expect(JSONPayload.strings(of: try JSONPayload.memo(["k": value])) == ["k": value])
        if let fast = JSONPayload.plainString(payload) { #expect(fast == value) }
    }

    @Test("memo fields that are not JSON strings are left out")
    func memoNonStrings() throws {
        var memo = Temporal_Api_Common_V1_Memo()
        memo.fields["number"] = JSONPayload.raw(Data("42".utf8))
        memo.fields["broken"] = JSONPayload.raw(Data("\"unterminated".utf8))
        memo.fields["bad-utf8"] = JSONPayload.raw(Data([0x22, 0xFF, 0x22]))
        var binary = JSONPayload.raw(Data("\"x\"".utf8))
        binary.metadata["encoding"] = Data("binary/plain".utf8)
        memo.fields["binary"] = binary
        memo.fields["ok"] = JSONPayload.raw(Data("\"yes\"".utf8))
        #expect(JSONPayload.strings(of: memo) == ["ok": "yes"])
    }

    @Test("addresses and TLS settings")
    func configuration() throws {
        let plain = try TemporalConfiguration(address: "temporal.internal:7233")
        #expect(plain.host == "temporal.internal")
        #expect(plain.port == 7233)
        #expect(!plain.usesTLS)
        #expect(plain.identity.hasPrefix("activity-core@"))
        #expect(try TemporalConfiguration(address: "h:1", apiKey: "k").usesTLS)
        #expect(throws: TemporalError.self) { try TemporalConfiguration(address: "no-port") }
    }

    @Test("an IP address is an IP target (no IP as TLS server name), a name is a DNS target")
    func targets() throws {
        func kind(_ address: String) throws -> String {
            "\(type(of: TemporalClient.target(try TemporalConfiguration(address: address))))"
        }
        #expect(try kind("10.0.0.5:7233") == "IPv4")
        #expect(try kind("[::1]:7233") == "IPv6")
        #expect(try kind("namespace.tmprl.cloud:7233") == "DNS")
        #expect(try kind("localhost:7233") == "DNS")
    }
}
