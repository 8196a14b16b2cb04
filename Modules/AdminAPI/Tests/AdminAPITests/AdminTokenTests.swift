import Foundation
import Logging
import Synchronization
import Testing

@testable import AdminAPI

/// Token files, their rotation, and the throttle of failed attempts (issue 26 item 3).
@Suite("Admin tokens")
struct AdminTokenTests {
    static let logger = Logger(label: "admin-token-tests")

    @Test("a token file: names, comments, unnamed lines named after file and line; bad lines named")
    func fileFormat() throws {
        let tokens = try AdminTokenFile.parse(
            "# operators\nalice:tok-a-0123456789\n\n  bob : tok-b-0123456789  \r\nunnamed-token-value\n", role: .admin,
            fileName: "tokens")
        #expect(tokens.map(\.name) == ["alice", "bob", "tokens:5"])
        #expect(tokens.map(\.secret) == ["tok-a-0123456789", "tok-b-0123456789", "unnamed-token-value"])
        #expect(tokens.allSatisfy { $0.role == .admin })
        // A line whose part before ':' is no name is one token.
        #expect(
            try AdminTokenFile.parse("dG9r+ZW4=:x0123456789abcdef\r\n", role: .read, fileName: "f").map(\.name) == [
                "f:1"
            ])
        for (text, line, reason) in [
            ("ok:0123456789abcdef\nalice:\n", 2, "empty"),
            ("alice:0123456789abcdef\nalice:0123456789abcdeg\n", 2, "used twice"), ("x:a b\n", 1, "blank"),
            ("x:0123456789abcde\n", 1, "shorter than 16"),
        ] {
            do {
                _ = try AdminTokenFile.parse(text, role: .admin, fileName: "f")
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.line == line && error.description.contains(reason), "\(error)")
            }
        }
        #expect(!"\(tokens[0])".contains("tok-a-0123456789"), "a token describes itself without its secret")
    }

    @Test("a token file changed on disk is read again: the new token works, the old one stops")
    func rotation() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        try "ops:first-token-0123456789\n".write(toFile: path, atomically: true, encoding: .utf8)
        let set = try AdminTokenSet.load(sources: [.file(path: path, role: .admin)], logger: Self.logger)
        #expect(set.match("first-token-0123456789")?.name == "ops")
        // Rotation: both for a while, then the old one removed (each a new file, as a Secret
        // mount swaps it).
        try "ops:first-token-0123456789\nops-next:second-token-0123456789\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(set.match("first-token-0123456789")?.name == "ops")
        #expect(set.match("second-token-0123456789")?.name == "ops-next")
        try "ops-next:second-token-0123456789\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(set.match("first-token-0123456789") == nil)
        #expect(set.match("second-token-0123456789")?.name == "ops-next")
        // A broken file keeps the last good tokens that are still written in it: a line removed
        // (revoked) beside a broken one stays revoked.
        try "ops:first-token-0123456789\nops-next:second-token-0123456789\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(set.match("first-token-0123456789")?.name == "ops")
        try "ops-next:second-token-0123456789\nbroken:\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(set.match("first-token-0123456789") == nil)
        #expect(set.match("second-token-0123456789")?.name == "ops-next")
        try FileManager.default.removeItem(atPath: path)
        #expect(set.match("second-token-0123456789")?.name == "ops-next")
        #expect(throws: AdminTokenError.self) {
            try AdminTokenSet.load(sources: [.file(path: path, role: .admin)], logger: Self.logger)
        }
    }

    @Test("the throttle: four free failures a minute, then 0.5 s doubling up to 5 s; a success clears")
    func throttle() {
        let clock = ContinuousClock.now
        let offset = Mutex<Duration>(.zero)
        let throttle = AuthThrottle(now: { clock + offset.withLock { $0 } })
        let delays = (0..<10).map { _ in throttle.failed("10.0.0.9") }
        #expect(
            delays == [
                .zero, .zero, .zero, .zero, .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5),
                .seconds(5),
            ])
        #expect(throttle.failed("10.0.0.10") == .zero, "another address has its own record")
        // One IPv6 host may use its whole /64: the count is per /64.
        for suffix in 1...4 { _ = throttle.failed("2001:db8:1:2::\(suffix)") }
        #expect(throttle.failed("2001:db8:1:2:ffff::9") == .milliseconds(500))
        #expect(throttle.failed("2001:db8:1:3::1") == .zero)
        // Failures older than the window are forgotten.
        for _ in 0..<4 { _ = throttle.failed("10.0.0.11") }
        offset.withLock { $0 = .seconds(61) }
        #expect(throttle.failed("10.0.0.11") == .zero)
    }
}
