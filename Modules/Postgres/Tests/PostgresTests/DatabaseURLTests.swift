import Testing

@testable import Postgres

@Suite("DatabaseURL")
struct DatabaseURLTests {
    @Test(
        "accepted schemes",
        arguments: [
            "postgres://u:p@db:6543/app", "postgresql://u:p@db:6543/app", "postgresql+asyncpg://u:p@db:6543/app",
        ]
    )
    func schemes(url: String) throws {
        let parsed = try DatabaseURL(url)
        #expect(parsed.host == "db")
        #expect(parsed.port == 6543)
        #expect(parsed.username == "u")
        #expect(parsed.password == "p")
        #expect(parsed.database == "app")
        #expect(parsed.sslMode == .prefer)
    }

    @Test("percent-encoded credentials are decoded")
    func percentEncoding() throws {
        let parsed = try DatabaseURL("postgres://us%40er:p%3Ass%2Fw@127.0.0.1/db")
        #expect(parsed.username == "us@er")
        #expect(parsed.password == "p:ss/w")
        #expect(parsed.port == 5432)
    }

    @Test("sslmode is honoured", arguments: DatabaseURL.SSLMode.allCases)
    func sslMode(mode: DatabaseURL.SSLMode) throws {
        #expect(try DatabaseURL("postgres://u@h/d?sslmode=\(mode.rawValue)").sslMode == mode)
    }

    @Test(
        "bad URLs are refused with a message naming what is accepted",
        arguments: ["mysql://u@h/d", "not a url", "postgres://u@h/d?sslmode=sometimes"])
    func refused(url: String) {
        #expect(throws: DatabaseError.self) { try DatabaseURL(url) }
    }

    @Test("the description never shows the password")
    func redacted() throws {
        let parsed = try DatabaseURL("postgres://activity:s3cret-pw@127.0.0.1:5432/activity_core")
        #expect(!parsed.description.contains("s3cret-pw"))
        #expect(parsed.description.contains("activity:***@127.0.0.1:5432"))
    }

    @Test("advisory lock keys are stable across processes and distinct per schema")
    func lockKeys() {
        #expect(AdvisoryLockKey("activity-core").value == AdvisoryLockKey("activity-core").value)
        #expect(AdvisoryLockKey.migrations(schema: "a") != AdvisoryLockKey.migrations(schema: "b"))
        #expect(AdvisoryLockKey.migrations(schema: "a") != AdvisoryLockKey.sync(schema: "a"))
        // FNV-1a 64 of the empty string is its offset basis.
        #expect(AdvisoryLockKey("").value == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
    }

    @Test("migration statements name the schema")
    func migrationSQL() {
        let migration = Migration(version: 9, name: "x", statements: ["CREATE TABLE {schema}.t (id int)"])
        #expect(migration.sql(schema: "s1") == ["CREATE TABLE \"s1\".t (id int)"])
        #expect(ActivityDatabase.isPlainIdentifier("test_abc123"))
        #expect(!ActivityDatabase.isPlainIdentifier("Robert'); DROP"))
    }
}
