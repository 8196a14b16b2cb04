import Definitions
import Foundation
import Testing

/// Issue 23 against PostgreSQL, Temporal and a real FUSE mount, through the `activity-core`
/// executable: a UTF-8 byte order mark, FIFOs and devices in a root, and a file system that
/// stops answering. None may hang a sync or hold its lock, and none may retire what it names.
@Suite("Special files and hung reads through the executable", .timeLimit(.minutes(5)))
struct SpecialFilesIntegrationTests {
    typealias Setup = SyncSafetyIntegrationTests.Setup

    static func count(_ report: JSONValue, _ stage: String, _ key: String) -> Int64? {
        SyncSafetyIntegrationTests.count(report, stage, key)
    }

    /// A cron definition with the given line break, after a byte order mark.
    static func bomCron(_ id: String, newline: String) -> String {
        "\u{FEFF}" + HostileFiles.cron(id).replacingOccurrences(of: "\n", with: newline)
    }

    /// Replaces a definition file by a FIFO of the same name.
    static func replaceWithFIFO(_ path: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try #require(mkfifo(path, 0o644) == 0, "mkfifo \(path): \(errno)")
    }

    /// Replaces a definition file by a symlink to a device.
    static func replaceWithLink(_ path: String, to device: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: device)
    }

    @Test("validate: the issue's BOM file is valid (LF, CRLF, CR); a FIFO is one located error, at once")
    func validate() async throws {
        let folder = try TemporaryFolder()
        for (name, newline) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
            try folder.write("bom-\(name).yaml", Self.bomCron("bom-\(name)", newline: newline))
        }
        let environment = ProcessInfo.processInfo.environment
        let valid = try await ActivityCoreProcess.run(
            ["validate", folder.path], environment: environment, timeout: .seconds(30))
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(valid.stderr.contains("3 file(s), 3 activity definition(s)"), "\(valid.stderr)")

        try #require(mkfifo(folder.path + "/pipe.yaml", 0o644) == 0)
        let start = ContinuousClock.now
        let outcome = try await ActivityCoreProcess.run(
            ["validate", folder.path], environment: environment, timeout: .seconds(30))
        let elapsed = ContinuousClock.now - start
        #expect(outcome.status == 1, "\(outcome.stdout)\(outcome.stderr)")
        #expect(
            outcome.stdout
                == "\(folder.path)/pipe.yaml:1:1: is a FIFO (named pipe), not a regular file: only regular files are read; every definition stored from this path keeps its state\n"
        )
        // Measured well under a second; the bound only tells an answer from a hang.
        #expect(elapsed < .seconds(10), "validate took \(elapsed)")
    }

    @Test(
        "a sync creates BOM definitions; a FIFO and links to /dev/zero and /dev/tty in place of definitions fail alone and keep their schedules"
    )
    func syncSpecialFiles() async throws {
        try await SyncSafetyIntegrationTests.with { setup in
            for (name, newline) in [("bom-lf", "\n"), ("bom-crlf", "\r\n"), ("bom-cr", "\r")] {
                try setup.write("\(name).yaml", Self.bomCron(name, newline: newline))
            }
            for id in ["pipe", "zero", "tty"] { try setup.write("\(id).yaml", HostileFiles.cron(id)) }
            let first = try await setup.sync()
            #expect(first.status == 0, "\(first.output)")
            #expect(Self.count(first.report, "schedules", "created") == 6, "\(first.output)")

            try Self.replaceWithFIFO(setup.root + "/pipe.yaml")
            try Self.replaceWithLink(setup.root + "/zero.yaml", to: "/dev/zero")
            try Self.replaceWithLink(setup.root + "/tty.yaml", to: "/dev/tty")
            try setup.write("fresh.yaml", HostileFiles.cron("fresh"))
            for round in 0..<2 {
                let report = try await setup.sync()
                #expect(report.status == 1, "round \(round): \(report.output)")
                #expect(Self.count(report.report, "definitions", "retired") == 0)
                #expect(Self.count(report.report, "definitions", "invalid") == 3)
                #expect(Self.count(report.report, "schedules", "deleted_orphans") == 0)
                #expect(Self.count(report.report, "schedules", "created") == (round == 0 ? 1 : 0))
                let failed = Set(
                    SyncSafetyIntegrationTests.items(report.report).map { URL(fileURLWithPath: $0).lastPathComponent })
                #expect(failed == ["pipe.yaml", "zero.yaml", "tty.yaml"], "\(report.output)")
                let messages = SyncSafetyIntegrationTests.messages(report.report)
                #expect(messages.contains { $0.contains("pipe.yaml:1:1: is a FIFO (named pipe), not a regular file") })
                #expect(messages.filter { $0.contains("is a character device, not a regular file") }.count == 2)
            }
            for id in ["bom-lf", "bom-crlf", "bom-cr", "pipe", "zero", "tty", "fresh"] {
                #expect(try await setup.scheduleExists(id), "\(id)")
            }
        }
    }

    @Test("POST /admin/sync with a FIFO in the root answers with its error, and the next sync is not refused")
    func workerFIFO() async throws {
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        let folder = try TemporaryFolder()
        try folder.write("a.yaml", HostileFiles.cron("a"))
        try folder.write("pipe.yaml", HostileFiles.cron("pipe"))
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: folder.path, prefix: prefix)
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token-\(schema)")
        defer { worker.process.terminate() }
        try Self.replaceWithFIFO(folder.path + "/pipe.yaml")
        for _ in 0..<2 {
            let answer = try await worker.call(.POST, "/admin/sync")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json["ok"] as? Bool == false)
            #expect(answer.text.contains("pipe.yaml:1:1: is a FIFO (named pipe)"), "\(answer.text)")
            #expect(AdminAPIIntegrationTests.definitions(answer)["retired"] == 0)
            #expect(AdminAPIIntegrationTests.schedules(answer)["deleted_orphans"] == 0)
        }
        #expect(try await TestTemporal.scheduleExists(prefix + "pipe"))
        #expect(try await worker.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: prefix)
    }

    @Test("a file whose read never returns fails its root after ACTIVITY_FILE_READ_TIMEOUT_SECONDS; nothing is retired")
    func stalledRead() async throws {
        let mount = try await StallingFileSystem()
        try await SyncSafetyIntegrationTests.with { setup in
            try mount.backing.write("a.yaml", HostileFiles.cron("a"))
            try mount.backing.write("b.yaml", HostileFiles.cron("b"))
            // The healthy sync keeps the default deadline: a slow moment of a loaded machine
            // must not read as a hung mount.
            let first = try await setup.sync(root: mount.path)
            #expect(first.status == 0, "\(first.output)")
            #expect(Self.count(first.report, "schedules", "created") == 2)

            try mount.backing.write("stall.yaml", HostileFiles.cron("stall"))
            try mount.backing.remove("b.yaml")
            let start = ContinuousClock.now
            let second = try await setup.sync(root: mount.path, extra: ["ACTIVITY_FILE_READ_TIMEOUT_SECONDS": "1"])
            let elapsed = ContinuousClock.now - start
            #expect(second.status == 1, "\(second.output)")
            #expect(Self.count(second.report, "definitions", "retired") == 0, "\(second.output)")
            #expect(Self.count(second.report, "schedules", "deleted_orphans") == 0)
            let messages = SyncSafetyIntegrationTests.messages(second.report)
            #expect(
                messages.contains {
                    $0.contains("\(mount.path)/stall.yaml:1:1: reading this path did not finish within 1 s")
                }, "\(second.output)")
            #expect(try await setup.scheduleExists("b"))
            #expect(try await !setup.scheduleExists("stall"))
            #expect(elapsed < .seconds(30), "the sync took \(elapsed)")
        }
    }

    @Test(
        "a frozen file system: POST /admin/sync answers after the deadline with the stuck path, the next one without waiting, and syncs again once it thaws"
    )
    func frozenFileSystem() async throws {
        let mount = try await StallingFileSystem()
        let schema = TestDatabase.newSchemaName()
        let prefix = TestTemporal.newPrefix()
        try mount.backing.write("a.yaml", HostileFiles.cron("a"))
        try mount.backing.write("b.yaml", HostileFiles.cron("b"))
        defer { CommandLineTests.dropSchema(schema) }
        let environment = ActivityCoreProcess.workerEnvironment(
            schema: schema, definitions: mount.path, prefix: prefix,
            extra: ["ACTIVITY_FILE_READ_TIMEOUT_SECONDS": "5"])
        let worker = try await WorkerUnderTest.start(environment: environment, token: "it-token-\(schema)")
        defer { worker.process.terminate() }
        #expect(try await TestTemporal.scheduleExists(prefix + "a"), "\(worker.logText)")

        try mount.backing.remove("b.yaml")
        mount.freeze()
        let start = ContinuousClock.now
        let stuck = try await worker.call(.POST, "/admin/sync")
        let elapsed = ContinuousClock.now - start
        #expect(stuck.status == 200, "\(stuck.text)")
        #expect(stuck.json["ok"] as? Bool == false)
        #expect(stuck.text.contains("did not finish within 5 s"), "\(stuck.text)")
        #expect(AdminAPIIntegrationTests.definitions(stuck)["retired"] == 0, "\(stuck.text)")
        #expect(AdminAPIIntegrationTests.schedules(stuck)["deleted_orphans"] == 0)
        #expect(elapsed >= .seconds(5) && elapsed < .seconds(30), "the sync took \(elapsed)")

        // The lock is free, and the root is not read again while its read is blocked.
        let againStart = ContinuousClock.now
        let again = try await worker.call(.POST, "/admin/sync")
        #expect(ContinuousClock.now - againStart < .seconds(5), "the second sync waited for the deadline")
        #expect(again.status == 200, "\(again.text)")
        #expect(again.text.contains("an earlier read of this path has not returned"), "\(again.text)")
        #expect(try await TestTemporal.scheduleExists(prefix + "b"))

        // Once the file system answers again, the next sync reads the root: b is retired.
        mount.thaw()
        var thawed = again
        for _ in 0..<50 {
            thawed = try await worker.call(.POST, "/admin/sync")
            if thawed.json["ok"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(thawed.json["ok"] as? Bool == true, "\(thawed.text)")
        #expect(AdminAPIIntegrationTests.definitions(thawed)["retired"] == 1, "\(thawed.text)")
        #expect(try await !TestTemporal.scheduleExists(prefix + "b"))
        #expect(try await worker.stop() == 0)
        await TestTemporal.deleteAllSchedules(prefix: prefix)
        mount.unmount()
    }
}
