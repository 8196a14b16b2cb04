import Foundation
import Testing

@testable import Definitions

/// `CronExpression`: five fields or an `@` shorthand, validated field by field.
@Suite("CronExpression")
struct CronExpressionTests {
    @Test(
        "accepted expressions keep their text",
        arguments: [
            "0 6 * * *",
            "*/15 * * * *",
            "0,15,30,45 * * * *",
            "0 9-17 * * MON-FRI",
            "0 0-23/2 * * *",
            "59 23 31 12 7",
            "0 0 1 JAN,jul *",
            "0 0 1 jan-Dec/3 *",
            "30 2 * * sun-sat",
            "0 6 * * Sat,SUN",
            "0 6 1-31/5 * 0-6",
            "5/10 * * * *",
            "@hourly",
            "@daily",
            "@weekly",
            "@monthly",
            "@yearly",
        ]
    )
    func accepted(_ text: String) throws {
        let expression = try CronExpression(text)
        #expect(expression.text == text)
        #expect(expression.description == text)
    }

    @Test("surrounding and repeated blanks are normalised")
    func normalised() throws {
        #expect(try CronExpression("  0   6 *\t* *  ").text == "0 6 * * *")
        #expect(try CronExpression(" @daily ").text == "@daily")
    }

    @Test("every shorthand of the contract is known")
    func shorthands() {
        #expect(CronExpression.shorthands.keys.sorted() == ["@daily", "@hourly", "@monthly", "@weekly", "@yearly"])
        #expect(CronExpression.shorthands["@daily"] == "0 0 * * *")
    }

    @Test(
        "refused expressions say why",
        arguments: [
            ("60 * * * *", "minute value 60 is out of range 0-59"),
            ("* 24 * * *", "hour value 24 is out of range 0-23"),
            ("* * 0 * *", "day-of-month value 0 is out of range 1-31"),
            ("* * 32 * *", "day-of-month value 32 is out of range 1-31"),
            ("* * * 0 *", "month value 0 is out of range 1-12"),
            ("* * * 13 *", "month value 13 is out of range 1-12"),
            ("* * * * 8", "day-of-week value 8 is out of range 0-7"),
            ("0 0 1 JANUARY *", "month value \"JANUARY\" is not a number from 1 to 12 or a name (APR, AUG, DEC"),
            ("0 6 * * FUN", "day-of-week value \"FUN\" is not a number from 0 to 7 or a name (FRI, MON"),
            ("0 6 * MON *", "month value \"MON\" is not a number from 1 to 12"),
            ("0 6 * * JAN", "day-of-week value \"JAN\" is not a number from 0 to 7"),
            ("5-1 * * * *", "minute range \"5-1\" runs backwards"),
            ("0 0 1 DEC-JAN *", "month range \"DEC-JAN\" runs backwards"),
            ("0 6 * * FRI-MON", "day-of-week range \"FRI-MON\" runs backwards"),
            ("*/0 * * * *", "minute step \"0\" must be a number from 1 to 59"),
            ("*/60 * * * *", "minute step \"60\" must be a number from 1 to 59"),
            ("0 */x * * *", "hour step \"x\" must be a number from 1 to 23"),
            ("0 0 */ * *", "day-of-month step \"\" must be a number from 1 to 31"),
            ("1/2/3 * * * *", "minute item \"1/2/3\" has more than one step"),
            ("1-2-3 * * * *", "minute range \"1-2-3\" is not of the form a-b"),
            ("1,,2 * * * *", "minute field has an empty list item"),
            ("-5 * * * *", "minute value \"\" is not a number from 0 to 59"),
            ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
            ("* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
            ("", "expected 5 fields (minute hour day-of-month month day-of-week), found 0"),
            ("@reboot", "unknown shorthand @reboot (accepted: @hourly, @daily, @weekly, @monthly, @yearly)"),
            ("@every 5m", "unknown shorthand @every 5m"),
        ]
    )
    func refused(_ text: String, _ fragment: String) throws {
        let error = try #require(throws: CronExpressionError.self) { try CronExpression(text) }
        #expect(error.message.contains(fragment), "message: \(error.message)")
        #expect(error.description == error.message)
    }

    @Test("a field that accepts no names says only which numbers it takes")
    func noNamesOffered() throws {
        let error = try #require(throws: CronExpressionError.self) { try CronExpression("MON * * * *") }
        #expect(error.message == "minute value \"MON\" is not a number from 0 to 59")
    }

    @Test("the first bad field is the one reported")
    func firstBadField() throws {
        let error = try #require(throws: CronExpressionError.self) { try CronExpression("0 25 * 13 *") }
        #expect(error.message.hasPrefix("hour value 25"))
    }
}
