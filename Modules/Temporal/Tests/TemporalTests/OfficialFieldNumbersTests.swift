import Foundation
import SwiftProtobuf
import Testing

@testable import Temporal

/// The trimmed protos must keep Temporal's wire format: for every kept message, every kept
/// field has the official number and a compatible wire type. `Fixtures/official-fields.json`
/// is written by `Tools/protos/trim.py` from the official descriptors (temporalio 1.35.0).
///
/// Each field is checked by decoding a one-field message built from its official number and
/// type: the generated type must recognise it (no unknown fields) under the official name.
@Suite("Generated Temporal messages match the official field numbers")
struct OfficialFieldNumbersTests {
    typealias Fixture = [String: [String: [JSONFieldValue]]]

    enum JSONFieldValue: Decodable {
        case number(Int)
        case text(String)

        init(from decoder: any Swift.Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    static func fixture() throws -> Fixture {
        let url = try #require(
            Bundle.module.url(forResource: "official-fields", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// A protobuf encoding of field `number` holding a small value of `type`.
    static func encode(number: Int, type: String) -> [UInt8] {
        func varint(_ value: UInt64) -> [UInt8] {
            var value = value
            var bytes: [UInt8] = []
            repeat {
                var byte = UInt8(value & 0x7f)
                value >>= 7
                if value != 0 { byte |= 0x80 }
                bytes.append(byte)
            } while value != 0
            return bytes
        }
        switch type {
        case "TYPE_DOUBLE", "TYPE_FIXED64", "TYPE_SFIXED64":
            return varint(UInt64(number << 3 | 1)) + [UInt8](repeating: 0, count: 7) + [0x3f]
        case "TYPE_FLOAT", "TYPE_FIXED32", "TYPE_SFIXED32":
            return varint(UInt64(number << 3 | 5)) + [0, 0, 0x80, 0x3f]
        case "TYPE_STRING", "TYPE_BYTES":
            // Not empty: an empty string is the default and would not show in text format.
            return varint(UInt64(number << 3 | 2)) + [1, 0x61]
        case "TYPE_MESSAGE":
            return varint(UInt64(number << 3 | 2)) + [0]
        default:
            return varint(UInt64(number << 3 | 0)) + [1]
        }
    }

    @Test("the fixture covers the messages the client uses")
    func coverage() throws {
        let fixture = try Self.fixture()
        #expect(fixture.count > 100)
        #expect(fixture["temporal.api.workflowservice.v1.CreateScheduleRequest"]?["schedule_id"] != nil)
        #expect(Set(generatedMessageTypes.map { $0.protoMessageName }) == Set(fixture.keys))
    }

    @Test("every kept field decodes under its official number and name")
    func fieldNumbers() throws {
        var checked = 0
        let types = Dictionary(
            generatedMessageTypes.map { ($0.protoMessageName, $0) }, uniquingKeysWith: { first, _ in first })
        for (message, fields) in try Self.fixture().sorted(by: { $0.key < $1.key }) {
            let type = try #require(types[message], "no generated type for \(message)")
            let name = "\(type)"
            for (field, spec) in fields.sorted(by: { $0.key < $1.key }) {
                guard case .number(let number) = spec[0], case .text(let wireType) = spec[1] else {
                    Issue.record("bad fixture entry \(message).\(field)")
                    continue
                }
                let decoded = try type.init(
                    serializedBytes: Self.encode(number: number, type: wireType), extensions: nil, partial: true,
                    options: BinaryDecodingOptions())
                #expect(decoded.unknownFields.data.isEmpty, "\(message).\(field) (\(number)) is unknown to \(name)")
                let text = decoded.textFormatString()
                #expect(
                    text.split(separator: "\n").contains { $0.hasPrefix("\(field):") || $0.hasPrefix("\(field) {") },
                    "\(message).\(field) (\(number)) decodes as: \(text)"
                )
                checked += 1
            }
        }
        #expect(checked > 500)
    }
}
