import Foundation

/// Reading one definition file's bytes: only a regular file is ever read (README, "Definition
/// files").
///
/// A FIFO blocks `open` until a writer comes, a character device such as `/dev/zero` never
/// ends and `/dev/tty` waits for a keyboard: any of them would hold a sync (and its lock)
/// forever. The path's type is checked before opening, so a special file found there is never
/// opened, and again on the opened descriptor, which is opened with `O_NONBLOCK` and
/// `O_NOCTTY`: a file swapped for a FIFO or a device between the check and the open neither
/// blocks the open nor is read.
enum RegularFile {
    /// The first bytes of a regular file (at most `maxBytes`) and its size.
    struct Contents: Equatable {
        var data: Data
        var size: Int
    }

    enum Failure: Error, Equatable {
        /// Not a regular file; `kind` names what it is ("a FIFO (named pipe)").
        case notRegular(kind: String)
        /// `open`, `fstat` or `read` failed with this error number.
        case failed(operation: String, errno: Int32)

        var message: String {
            switch self {
            case .notRegular(let kind):
                "is \(kind), not a regular file: only regular files are read; every definition stored from this path keeps its state"
            case .failed(let operation, let code):
                "cannot read file (\(operation): \(String(cString: strerror(code))))"
            }
        }
    }

    /// How the loader reads a file: `contents(atPath:maxBytes:)`, or a stand-in in tests.
    typealias Reader = @Sendable (_ path: String, _ maxBytes: Int) -> Result<Contents, Failure>

    static func contents(atPath path: String, maxBytes: Int) -> Result<Contents, Failure> {
        var info = stat()
        if stat(path, &info) == 0, let kind = Self.kind(of: info.st_mode) {
            return .failure(.notRegular(kind: kind))
        }
        let descriptor: Int32
        switch Self.openWithoutBlocking(path) {
        case .success(let opened): descriptor = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { close(descriptor) }
        return Self.contents(of: descriptor, maxBytes: maxBytes)
    }

    /// Opens `path` for reading in a way no kind of file can block: `O_NONBLOCK` (a FIFO
    /// without a writer opens at once), `O_NOCTTY` (a terminal does not become ours).
    static func openWithoutBlocking(_ path: String) -> Result<Int32, Failure> {
        while true {
            let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            if descriptor >= 0 { return .success(descriptor) }
            if errno != EINTR { return .failure(.failed(operation: "open", errno: errno)) }
        }
    }

    /// Reads an open descriptor after checking, on the descriptor itself, that it is a
    /// regular file; a regular file is then read in blocking mode (some FUSE servers honour
    /// `O_NONBLOCK` and would answer "try again").
    static func contents(of descriptor: Int32, maxBytes: Int) -> Result<Contents, Failure> {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.failed(operation: "fstat", errno: errno)) }
        if let kind = Self.kind(of: info.st_mode) { return .failure(.notRegular(kind: kind)) }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while data.count < maxBytes {
            let wanted = min(chunk.count, maxBytes - data.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.failed(operation: "read", errno: errno))
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return .success(Contents(data: data, size: max(Int(info.st_size), data.count)))
    }

    /// What a file type other than a regular file is called in messages; nil for a regular file.
    static func kind(of mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        default: "a special file"
        }
    }
}
