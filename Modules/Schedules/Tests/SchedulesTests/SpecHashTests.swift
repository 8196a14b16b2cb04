import Definitions
import Foundation
import Testing

@testable import Schedules

/// The spec hash is compared with hashes stored by earlier versions, which hashed the JSON
/// `JSONEncoder` wrote: the bytes written without it must be the same, or every schedule
/// would look changed after an upgrade.
@Suite("Spec hash: the encoder's bytes, written by hand")
struct SpecHashTests {
    static func encoderBytes(_ schedule: DesiredSchedule) throws -> [UInt8] {
        var copy = schedule
        copy.memo = [:]
        copy.paused = false
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(copy))
    }

    static let awkward: [String] = [
        "", "plain", "with \"quotes\" and \\backslashes\\", "a/b/c", "zoné Europe/Berlin", "emoji 🚀 and \u{2028}",
        String((0..<128).map { Character(Unicode.Scalar(UInt8($0))) }),
    ]

    static let inputs: [JSONValue] = [
        .object(["activity_id": .string("digest"), "trigger": .string("cron")]),
        .object([
            "a": .integer(-3), "B": .bool(true), "_": .null, "a_b": .array([.integer(1), .string("x"), .object([:])]),
            "aB": .bool(false), "é": .string("/"), "Z": .object(["y": .integer(Int64.max), "x": .array([])]),
        ]),
        .array([]), .string("only"), .null, .integer(0),
    ]

    @Test("the same bytes as JSONEncoder for awkward strings, inputs and numbers")
    func sameBytes() throws {
        var checked = 0
        for (index, text) in Self.awkward.enumerated() {
            for input in Self.inputs {
                let schedule = DesiredSchedule(
                    scheduleID: "activity-schedule-\(text)", activityID: text, cronExpression: "*/5 * * * \(text)",
                    timezone: text, jitterSeconds: index * 7, overlap: OverlapPolicy.allCases[index % 3],
                    catchupWindowSeconds: -index, paused: index % 2 == 0, workflowType: text, workflowID: "w/\(text)",
                    taskQueue: text, input: input, memo: ["managed-by": text])
                #expect(schedule.hashedJSON() == (try Self.encoderBytes(schedule)), "\(text) \(input)")
                checked += 1
            }
        }
        #expect(checked == Self.awkward.count * Self.inputs.count)
    }

    @Test("a number with a fraction in the input is left to the encoder; memo and pause do not count")
    func fallbackAndExclusions() throws {
        var schedule = Fixtures.desired("digest")
        schedule.input = .object(["ratio": .number(0.1), "n": .integer(2)])
        #expect(schedule.hashedJSON() == (try Self.encoderBytes(schedule)))
        let hash = Fixtures.desired("digest").specHash
        var other = Fixtures.desired("digest")
        other.memo = ["x": "y"]
        other.paused = true
        #expect(other.specHash == hash)
        other.cronExpression = "0 7 * * *"
        #expect(other.specHash != hash)
    }
}
