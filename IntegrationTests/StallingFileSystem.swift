import Foundation

/// A real file system that stops answering: `Tools/fuse/stallfs.py` mounts a backing folder
/// read-only over FUSE. Reading a file whose name contains "stall" blocks; `freeze()` stops the
/// server process, so that every call on the mount blocks, as on a hung network mount, and
/// `thaw()` lets them finish. The Python is the one `Tools/services fuse` prepared
/// (`ACTIVITY_TEST_FUSE_PYTHON`, else `.services/venv/bin/python`).
final class StallingFileSystem: @unchecked Sendable {
    // Only used from the test that owns it.
    let backing: TemporaryFolder
    let mountPoint: TemporaryFolder
    private let process: Process
    private let log: URL

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    }

    static var python: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["ACTIVITY_TEST_FUSE_PYTHON"], !path.isEmpty {
                return URL(fileURLWithPath: path)
            }
            let installed = Self.repositoryRoot.appendingPathComponent(".services/venv/bin/python")
            guard FileManager.default.isExecutableFile(atPath: installed.path) else {
                throw StallingFileSystemError(
                    "no Python with fusepy: run Tools/services fuse (expected \(installed.path))")
            }
            return installed
        }
    }

    /// The mounted path of a file of the backing folder.
    var path: String { self.mountPoint.path }

    init() async throws {
        self.backing = try TemporaryFolder()
        self.mountPoint = try TemporaryFolder()
        self.log = FileManager.default.temporaryDirectory.appendingPathComponent("stallfs-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: self.log.path, contents: nil)
        self.process = Process()
        self.process.executableURL = try Self.python
        self.process.arguments = [
            Self.repositoryRoot.appendingPathComponent("Tools/fuse/stallfs.py").path, self.backing.path,
            self.mountPoint.path,
        ]
        let handle = try FileHandle(forWritingTo: self.log)
        self.process.standardOutput = handle
        self.process.standardError = handle
        try self.process.run()
        // Mounted once /proc/mounts lists the mount point.
        for _ in 0..<100 {
            if self.isMounted { return }
            guard self.process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOf: self.log, encoding: .utf8)) ?? ""
        self.unmount()
        throw StallingFileSystemError("stallfs.py did not mount \(self.mountPoint.path): \(output)")
    }

    deinit {
        self.unmount()
    }

    var isMounted: Bool {
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").contains {
            $0.split(separator: " ").dropFirst().first == Substring(self.path)
        }
    }

    /// Every call on the mount blocks from now on.
    func freeze() {
        kill(self.process.processIdentifier, SIGSTOP)
    }

    /// The blocked calls are answered.
    func thaw() {
        kill(self.process.processIdentifier, SIGCONT)
    }

    /// Ends the server (blocked calls fail) and detaches the mount.
    func unmount() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
        _ = umount2(self.mountPoint.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: self.log)
    }
}

struct StallingFileSystemError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
