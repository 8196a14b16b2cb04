import Foundation
import Synchronization
import Testing

@testable import Definitions

/// What a repository can leave in a root besides definition files (README, "Definition files"): a
/// byte order mark, and FIFOs, sockets and devices where a file was expected. A BOM file is
/// read as the file an editor shows; anything but a regular file is a located error of its
/// path, answered at once, that protects what was stored from it.
@Suite("Special files and byte order marks", .timeLimit(.minutes(1)))
struct SpecialFileTests {
    static let cron =
        "type: activity-definition\nid: bom-test\ntrigger: {type: cron, cron_expression: \"0 6 * * *\"}\naction: {type: echo}\n"

    @Test("a .yaml file that starts with a BOM is valid, with LF, CRLF or CR breaks", arguments: ["\n", "\r\n", "\r"])
    func bomYAML(newline: String) throws {
        let text = "\u{FEFF}" + Self.cron.replacingOccurrences(of: "\n", with: newline)
        let file = DefinitionFileParser.parse(data: Data(text.utf8), path: "/r/bom.yaml", relativePath: "bom.yaml")
        #expect(file.issues.map(\.description) == [])
        let definition = try #require(file.documents.first.flatMap { ActivityDefinition($0.document) })
        #expect(definition.id == "bom-test")
        let unmarked = DefinitionFileParser.parse(
            data: Data(text.dropFirst().utf8), path: "/r/bom.yaml", relativePath: "bom.yaml")
        #expect(file == unmarked)
    }

    @Test(
        "errors in a BOM file are located where an editor shows them, on line 1 too",
        arguments: ["\n", "\r\n", "\r"], ["yaml", "md"])
    func bomLocations(newline: String, fileExtension: String) {
        let yaml = "id: Bad Id\ntype: activity-definition\naction: {type: echo, timeout_seconds: 0}\n"
        let text = fileExtension == "md" ? "---\n" + yaml + "---\nBody.\n" : yaml
        let path = "/r/bom.\(fileExtension)"
        func issues(_ text: String) -> [DefinitionIssue] {
            let data = Data(text.replacingOccurrences(of: "\n", with: newline).utf8)
            return DefinitionFileParser.parse(data: data, path: path, relativePath: "bom.\(fileExtension)").issues
        }
        let plain = issues(text)
        let offset = fileExtension == "md" ? 1 : 0
        #expect(plain.map(\.location.line) == [1 + offset, 3 + offset], "\(plain)")
        #expect(plain.first?.location.column == 5)
        #expect(issues("\u{FEFF}" + text) == plain)
    }

    @Test("a BOM file stores the same definition as the file without it")
    func bomSameDocument() throws {
        let plain = try Fixture.document(Self.cron)
        let marked = try Fixture.document("\u{FEFF}" + Self.cron)
        #expect(plain == marked)
    }

    /// A root with one valid file and, beside it, each kind of special file.
    static func treeWithSpecialFiles() throws -> TemporaryTree {
        let tree = try TemporaryTree()
        try tree.write("good.yaml", DocumentSyncPlanTests.cron("good"))
        #expect(mkfifo(tree.path + "/pipe.yaml", 0o644) == 0, "mkfifo: \(errno)")
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: tree.path + "/zero.yaml", withDestinationPath: "/dev/zero")
        try manager.createSymbolicLink(atPath: tree.path + "/null.yml", withDestinationPath: "/dev/null")
        try manager.createSymbolicLink(atPath: tree.path + "/tty.md", withDestinationPath: "/dev/tty")
        try Self.bindSocket(at: tree.path + "/socket.yaml")
        // Not a definition extension: never looked at.
        #expect(mkfifo(tree.path + "/notes.pipe", 0o644) == 0)
        return tree
    }

    static func bindSocket(at path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        try #require(path.utf8.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0, "bind: \(errno)")
    }

    @Test("a FIFO, a socket and links to /dev/zero, /dev/null and /dev/tty are each a located error, at once")
    func specialFiles() throws {
        let tree = try Self.treeWithSpecialFiles()
        defer { tree.remove() }
        let start = ContinuousClock.now
        let root = DefinitionLoader().load(root: tree.path)
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(root.isComplete, "\(root.issues)")
        let failed = root.files.filter { !$0.isValid }
        #expect(failed.map(\.relativePath) == ["null.yml", "pipe.yaml", "socket.yaml", "tty.md", "zero.yaml"])
        #expect(failed.allSatisfy { $0.issues.count == 1 && $0.issues.first?.code == .notRegularFile })
        let messages = Dictionary(uniqueKeysWithValues: failed.map { ($0.relativePath, $0.issues[0].description) })
        #expect(
            messages["pipe.yaml"]
                == "\(tree.path)/pipe.yaml:1:1: is a FIFO (named pipe), not a regular file: only regular files are read; every definition stored from this path keeps its state"
        )
        #expect(messages["socket.yaml"]?.contains("is a socket, not a regular file") == true)
        #expect(messages["zero.yaml"]?.contains("is a character device, not a regular file") == true)
        #expect(messages["null.yml"]?.contains("is a character device") == true)
        #expect(root.files.filter(\.isValid).map(\.relativePath) == ["good.yaml"])
    }

    @Test("what was stored from a path that is now a special file keeps its state; a removed file still retires")
    func specialFilesProtect() throws {
        let tree = try Self.treeWithSpecialFiles()
        defer { tree.remove() }
        let load = DefinitionLoader().load(roots: [tree.path])
        let identity = try #require(load.roots.first?.identity)
        let stored = try ["pipe.yaml", "zero.yaml", "null.yml", "tty.md", "socket.yaml", "removed.yaml"].map {
            // (Parsed as YAML whatever the name; stored from the name.)
            var record = try DeletionGuardTests.stored(
                "id-" + $0.split(separator: ".")[0], path: "x.yaml", root: identity)
            record.source = DefinitionSource(root: identity, path: $0)
            return record
        }
        let plan = DocumentSyncPlan<ActivityDefinition>(load: load, stored: stored)
        #expect(plan.changes.retirements == ["id-removed"])
        #expect(plan.issues.count == 5)
    }

    @Test("a root that is itself a FIFO is an error of that root's file, at once")
    func fifoRoot() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        #expect(mkfifo(tree.path + "/pipe.yaml", 0o644) == 0)
        let root = DefinitionLoader().load(root: tree.path + "/pipe.yaml")
        #expect(root.files.count == 1)
        #expect(root.files.first?.issues.map(\.code) == [.notRegularFile])
    }

    @Test(
        "a file swapped for a FIFO or a device after the type check: the open does not block, the descriptor is checked",
        arguments: ["fifo", "/dev/zero"])
    func swappedAfterCheck(kind: String) throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let path = tree.path + "/swapped.yaml"
        if kind == "fifo" {
            try #require(mkfifo(path, 0o644) == 0)
        } else {
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: kind)
        }
        // The open `contents(atPath:)` makes after its check by path, on a thread of its own: a
        // FIFO without a writer would block it forever without O_NONBLOCK. If it does, the
        // test opens the FIFO for writing, which lets it return, and fails.
        let opened = Mutex<Result<Int32, RegularFile.Failure>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let result = RegularFile.openWithoutBlocking(path)
            opened.withLock { $0 = result }
            done.signal()
        }.start()
        if done.wait(timeout: .now() + 5) == .timedOut {
            Issue.record("opening \(kind) blocked")
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            done.wait()
            close(writer)
        }
        let descriptor = try #require(try opened.withLock { $0 }?.get())
        defer { close(descriptor) }
        let expected = kind == "fifo" ? "a FIFO (named pipe)" : "a character device"
        #expect(RegularFile.contents(of: descriptor, maxBytes: 100) == .failure(.notRegular(kind: expected)))
    }

    @Test("a regular file is read whole up to the limit, and its size comes from the descriptor")
    func regularFile() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let text = String(repeating: "x", count: 200_000)
        try tree.write("big.yaml", text)
        let whole = try RegularFile.contents(atPath: tree.path + "/big.yaml", maxBytes: 300_000).get()
        #expect(whole.data == Data(text.utf8))
        #expect(whole.size == 200_000)
        let part = try RegularFile.contents(atPath: tree.path + "/big.yaml", maxBytes: 70_001).get()
        #expect(part.data.count == 70_001)
        #expect(part.size == 200_000)
        #expect(
            RegularFile.contents(atPath: tree.path + "/none.yaml", maxBytes: 10)
                == .failure(.failed(operation: "open", errno: ENOENT)))
    }
}
