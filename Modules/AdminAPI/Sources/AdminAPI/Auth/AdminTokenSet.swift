import Foundation
import Logging
import Synchronization

/// The tokens the admin API accepts: `ACTIVITY_ADMIN_TOKEN` and `ACTIVITY_READ_TOKEN`, and the
/// files `ACTIVITY_ADMIN_TOKEN_FILE` and `ACTIVITY_READ_TOKEN_FILE`. A file is looked at on
/// every request and read again when it changed (another inode, size or modification time: a
/// Kubernetes Secret mount swaps a symlink), so tokens are added and revoked without a
/// restart. A file that cannot be read or parsed any more keeps its last tokens, logged.
public final class AdminTokenSet: Sendable {
    /// Where tokens come from.
    public enum Source: Sendable, Hashable {
        case literal(AdminToken)
        case file(path: String, role: AdminToken.Role)
    }

    struct FileState {
        var signature: [Int] = []
        var tokens: [AdminToken] = []
    }

    public let sources: [Source]
    let files: Mutex<[String: FileState]>
    let logger: Logger

    init(sources: [Source], files: [String: FileState], logger: Logger) {
        self.sources = sources
        self.files = Mutex(files)
        self.logger = logger
    }

    /// Literal tokens only (no file): nothing to read.
    public convenience init(tokens: [AdminToken], logger: Logger = Logger(label: "activity-core.admin-tokens")) {
        self.init(sources: tokens.map(Source.literal), files: [:], logger: logger)
    }

    /// Reads every file once: a file that cannot be read or parsed now is an error naming it.
    public static func load(sources: [Source], logger: Logger) throws(AdminTokenError) -> AdminTokenSet {
        var files: [String: FileState] = [:]
        for source in sources {
            guard case .file(let path, let role) = source else { continue }
            guard let signature = Self.signature(path) else {
                throw AdminTokenError(path: path, reason: "cannot be read")
            }
            files[path] = FileState(signature: signature, tokens: try Self.read(path, role: role))
        }
        return AdminTokenSet(sources: sources, files: files, logger: logger)
    }

    /// Whether any source is configured (the admin API is on).
    public var isConfigured: Bool { !self.sources.isEmpty }

    /// Every token valid now.
    public func current() -> [AdminToken] {
        var tokens: [AdminToken] = []
        for source in self.sources {
            switch source {
            case .literal(let token): tokens.append(token)
            case .file(let path, let role): tokens += self.fileTokens(path, role: role)
            }
        }
        return tokens
    }

    /// The token `presented` is, compared in constant time with every token (so the time
    /// taken does not tell which one nearly matched); nil when none.
    public func match(_ presented: String) -> AdminToken? {
        var found: AdminToken?
        for token in self.current() where ConstantTime.equals(presented, token.secret) && found == nil {
            found = token
        }
        return found
    }

    private func fileTokens(_ path: String, role: AdminToken.Role) -> [AdminToken] {
        let known = self.files.withLock { $0[path] } ?? FileState()
        guard let signature = Self.signature(path) else {
            if !known.signature.isEmpty {
                self.logger.warning(
                    "admin token file cannot be read; its last tokens stay valid", metadata: ["file": "\(path)"])
                self.files.withLock { $0[path]?.signature = [] }
            }
            return known.tokens
        }
        guard signature != known.signature else { return known.tokens }
        do {
            let tokens = try Self.read(path, role: role)
            self.files.withLock { $0[path] = FileState(signature: signature, tokens: tokens) }
            self.logger.info(
                "admin tokens read again",
                metadata: [
                    "file": "\(path)", "role": "\(role.rawValue)",
                    "tokens": "\(tokens.map(\.name).joined(separator: ","))",
                ])
            return tokens
        } catch {
            // A revoked line stays revoked even when another line is broken: of the last
            // tokens, only those still written in the file stay valid.
            let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
            let kept = text.map { text in known.tokens.filter { text.contains($0.secret) } } ?? known.tokens
            self.logger.warning(
                "admin token file refused; its last tokens still in it stay valid",
                metadata: ["file": "\(path)", "error": "\(error.reason)", "tokens": "\(kept.map(\.name))"])
            self.files.withLock { $0[path] = FileState(signature: signature, tokens: kept) }
            return kept
        }
    }

    /// The tokens of one file, or why it cannot be used.
    public static func read(_ path: String, role: AdminToken.Role) throws(AdminTokenError) -> [AdminToken] {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1_048_576 else {
            throw AdminTokenError(path: path, reason: "cannot be read (or is larger than 1 MiB)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AdminTokenError(path: path, reason: "is not UTF-8")
        }
        do {
            return try AdminTokenFile.parse(text, role: role, fileName: URL(fileURLWithPath: path).lastPathComponent)
        } catch {
            throw AdminTokenError(path: path, reason: error.description)
        }
    }

    /// Device, inode, size and modification time, followed through symlinks; nil when the
    /// file is not there.
    static func signature(_ path: String) -> [Int]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return [
            Int(status.st_dev), Int(status.st_ino), Int(status.st_size), Int(status.st_mtim.tv_sec),
            Int(status.st_mtim.tv_nsec),
        ]
    }
}

extension AdminTokenSet: CustomStringConvertible {
    /// Sources by kind, never a token.
    public var description: String {
        let parts = self.sources.map { source -> String in
            switch source {
            case .literal(let token): "\(token)"
            case .file(let path, let role): "\(path) (\(role.rawValue))"
            }
        }
        return "AdminTokenSet(\(parts.joined(separator: ", ")))"
    }
}

/// A token file that cannot be used.
public struct AdminTokenError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(self.path) \(self.reason)" }
}
