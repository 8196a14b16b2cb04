import Foundation
import Synchronization

/// Finds and parses definition files under roots (CONTRACT section 3, "Where").
///
/// For each root: if it holds `activity-definitions/` and/or `event-types/`, only those
/// folders are read; otherwise the root itself. Reading is recursive and skips hidden files
/// and folders. A root may also be a single file.
///
/// With a `ParseCache`, files are still read on every load, and parsed only when their text
/// (or path) is not the one the cache holds.
public struct DefinitionLoader: Sendable {
    public static let definitionFolders = ["activity-definitions", "event-types"]

    public let cache: ParseCache?
    public let limits: DefinitionLimits
    let stuckReads = StuckReads()
    /// How a file's bytes are read (a stand-in that blocks, in the read-deadline tests).
    let reader: RegularFile.Reader

    public init(cache: ParseCache? = nil, limits: DefinitionLimits = DefinitionLimits()) {
        self.init(cache: cache, limits: limits, reader: RegularFile.contents(atPath:maxBytes:))
    }

    init(cache: ParseCache? = nil, limits: DefinitionLimits = DefinitionLimits(), reader: @escaping RegularFile.Reader)
    {
        self.cache = cache
        self.limits = limits
        self.reader = reader
    }

    /// Loads every root; problems are reported inside the result, never thrown.
    ///
    /// Each root is read on a thread of its own, watched by the calling thread: a reading that
    /// stays at one path for `limits.readTimeout` (a hung network or FUSE mount) makes that
    /// root an error located at the path, so nothing stored from it is retired, and the load
    /// returns. Blocks the calling thread until then.
    public func load(roots: [String]) -> LoadResult {
        let signal = DispatchSemaphore(value: 0)
        var results: [LoadedRoot?] = Array(repeating: nil, count: roots.count)
        var readings: [Int: RootReading] = [:]
        for (index, root) in roots.enumerated() {
            // Roots are told apart as configured: working out a path's identity may touch
            // the file system (a `..` is resolved through symlinks), which only the watched
            // thread may do.
            if let stuck = self.stuckReads.reading(of: root) {
                results[index] = self.stillStuck(root: root, reading: stuck)
                continue
            }
            let reading = RootReading(at: root)
            readings[index] = reading
            let thread = Thread { [self] in
                var session = Session(cache: self.cache, limits: self.limits, reading: reading, reader: self.reader)
                let loaded = self.load(root: root, session: &session)
                let outcome = RootReading.Outcome(root: loaded, used: session.used, counts: session.counts)
                reading.finish(outcome)
                signal.signal()
            }
            thread.name = "definition-root-\(index)"
            thread.start()
        }
        var used: [ParseCache.Key: ParsedFile] = [:]
        var counts = ParseCache.Counts()
        while !readings.isEmpty {
            var next: ContinuousClock.Instant?
            for (index, reading) in readings {
                switch reading.check(timeout: self.limits.readTimeout) {
                case .finished(let outcome):
                    results[index] = outcome.root
                    used.merge(outcome.used) { first, _ in first }
                    counts.hits += outcome.counts.hits
                    counts.misses += outcome.counts.misses
                    readings[index] = nil
                case .reading(let deadline):
                    next = min(next ?? deadline, deadline)
                case .stuck(let position):
                    self.stuckReads.record(reading, root: roots[index])
                    results[index] = self.givenUp(root: roots[index], reading: reading, at: position)
                    readings[index] = nil
                }
            }
            guard let next, !readings.isEmpty else { continue }
            let wait = ContinuousClock.now.duration(to: next)
            _ = signal.wait(timeout: .now() + .nanoseconds(Int(max(wait, .zero) / .nanoseconds(1))))
        }
        // Only what finished goes into the cache; a given-up root is parsed again next time.
        self.cache?.finish(used, counts: counts)
        return LoadResult(roots: results.compactMap { $0 })
    }

    /// `load(roots:)` off the caller's thread: the waiting blocks a thread of its own, not
    /// one of the concurrency pool's.
    public func loadInBackground(roots: [String]) async -> LoadResult {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.load(roots: roots)) }
            thread.name = "definition-load"
            thread.start()
        }
    }

    public func load(root: String) -> LoadedRoot {
        self.load(roots: [root]).roots[0]
    }

    /// The root whose reading has just stayed at one path past the deadline.
    private func givenUp(root: String, reading: RootReading, at position: RootReading.Position) -> LoadedRoot {
        let seconds = Self.seconds(self.limits.readTimeout)
        return LoadedRoot(
            root: root, identity: reading.identity ?? root,
            issues: [
                DefinitionIssue(
                    .readTimeout, at: SourceLocation(path: position.path),
                    "reading this path did not finish within \(seconds) s (ACTIVITY_FILE_READ_TIMEOUT_SECONDS): the file system does not answer; nothing stored from root \(root) is retired, and the root is not read again until that read returns"
                )
            ])
    }

    /// The root whose earlier reading is still blocked.
    private func stillStuck(root: String, reading: RootReading) -> LoadedRoot {
        let position = reading.position
        let path = position?.path ?? root
        let since = position.map { " for \(Self.seconds($0.since.duration(to: .now))) s" } ?? ""
        return LoadedRoot(
            root: root, identity: reading.identity ?? root,
            issues: [
                DefinitionIssue(
                    .readTimeout, at: SourceLocation(path: path),
                    "an earlier read of this path has not returned\(since): the file system does not answer; nothing stored from root \(root) is retired, and the root is not read again until that read returns"
                )
            ])
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// One root's reading: its use of the cache, and where it is for its watcher. Everything
    /// but parsing counts against the read deadline, from the last path it moved to: a file
    /// system call hidden in a Foundation helper (`appendingPathComponent` stats its result)
    /// cannot escape the watcher.
    struct Session {
        let cache: ParseCache?
        let limits: DefinitionLimits
        let reading: RootReading
        let reader: RegularFile.Reader
        var used: [ParseCache.Key: ParsedFile] = [:]
        var counts = ParseCache.Counts()

        /// The reading moves on to `path`: the deadline counts from now.
        func at(_ path: String) {
            self.reading.move(to: path)
        }

        /// Parsing text already read is not a file-system call: the deadline does not count
        /// it (the per-file limits bound it). The deadline restarts at `path` afterwards.
        func parsing<T>(at path: String, _ body: () -> T) -> T {
            self.reading.startParsing()
            defer { self.reading.move(to: path) }
            return body()
        }

        mutating func parse(fileAt url: URL, path: String, relativePath: String) -> ParsedFile {
            switch self.read(fileAt: url, path: path, relativePath: relativePath) {
            case .done(let file):
                return file
            case .toParse(let text):
                return self.parse([text], at: path)[0]
            }
        }

        /// A file read: done (unreadable, or found in the cache), or its text (with its path:
        /// the cache's key) to parse.
        enum Read {
            case done(ParsedFile)
            case toParse(ParseCache.Key)
        }

        mutating func read(fileAt url: URL, path: String, relativePath: String) -> Read {
            self.at(path)
            let read = DefinitionFileParser.read(
                fileAt: url, path: path, relativePath: relativePath, limits: self.limits, reader: self.reader)
            switch read {
            case .unreadable(let file):
                return .done(file)
            case .text(let text):
                let key = ParseCache.Key(path: path, relativePath: relativePath, text: text)
                if let cache = self.cache, let file = self.used[key] ?? cache.entry(key) {
                    self.counts.hits += 1
                    self.used[key] = file
                    return .done(file)
                }
                return .toParse(key)
            }
        }

        /// Parses texts already read, on every core when there are many (parsing is a pure
        /// function of text and path), and keeps them for the cache. The deadline restarts at
        /// `path` afterwards.
        mutating func parse(_ texts: [ParseCache.Key], at path: String) -> [ParsedFile] {
            let limits = self.limits
            let files = self.parsing(at: path) {
                guard texts.count >= 64 else {
                    return texts.map {
                        DefinitionFileParser.parse(
                            text: $0.text, path: $0.path, relativePath: $0.relativePath, limits: limits)
                    }
                }
                // Every slot is written by the lane that owns its index.
                let parsed = Mutex([ParsedFile](repeating: ParsedFile(path: "", relativePath: ""), count: texts.count))
                let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
                DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                    var mine: [(Int, ParsedFile)] = []
                    for index in stride(from: lane, to: texts.count, by: lanes) {
                        let text = texts[index]
                        mine.append(
                            (
                                index,
                                DefinitionFileParser.parse(
                                    text: text.text, path: text.path, relativePath: text.relativePath, limits: limits)
                            ))
                    }
                    parsed.withLock { all in
                        for (index, file) in mine { all[index] = file }
                    }
                }
                return parsed.withLock { $0 }
            }
            guard self.cache != nil else { return files }
            for (key, file) in zip(texts, files) {
                self.counts.misses += 1
                self.used[key] = file
            }
            return files
        }
    }

    private func load(root: String, session: inout Session) -> LoadedRoot {
        session.at(root)
        let url = URL(fileURLWithPath: root).standardizedFileURL
        session.reading.identify(url.path)
        var loaded = LoadedRoot(root: root, identity: url.path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            loaded.issues.append(
                DefinitionIssue(.missingRoot, at: SourceLocation(path: root), "definition root does not exist"))
            return loaded
        }
        guard isDirectory.boolValue else {
            let file = session.parse(fileAt: url, path: root, relativePath: url.lastPathComponent)
            loaded.identity = url.deletingLastPathComponent().path
            session.reading.identify(loaded.identity)
            loaded.files = [file]
            return loaded
        }
        // Paths are appended saying whether they are folders: left to find out, Foundation
        // would stat each one before the reading has moved to it.
        let folders = Self.definitionFolders.filter { name in
            var folderIsDirectory: ObjCBool = false
            let folder = url.appendingPathComponent(name, isDirectory: true).path
            session.at(folder)
            return FileManager.default.fileExists(atPath: folder, isDirectory: &folderIsDirectory)
                && folderIsDirectory.boolValue
        }
        var files: [FileEntry] = []
        var visited: Set<String> = []
        if folders.isEmpty {
            self.walk(url, relative: "", into: &files, visited: &visited, loaded: &loaded, session: session)
        } else {
            for folder in folders {
                self.walk(
                    url.appendingPathComponent(folder, isDirectory: true), relative: folder, into: &files,
                    visited: &visited, loaded: &loaded, session: session)
            }
        }
        // Read one by one (the watcher follows the reading), then parsed all at once.
        var parsed: [ParsedFile] = []
        var toParse: [(index: Int, text: ParseCache.Key)] = []
        for entry in files.sorted(by: { $0.relative < $1.relative }) {
            let path = Self.join(root, entry.relative)
            if let problem = entry.problem {
                parsed.append(
                    ParsedFile(
                        path: path, relativePath: entry.relative,
                        issues: [DefinitionIssue(.unresolvableLink, at: SourceLocation(path: path), problem)]))
                continue
            }
            switch session.read(fileAt: entry.url, path: path, relativePath: entry.relative) {
            case .done(let file):
                parsed.append(file)
            case .toParse(let text):
                toParse.append((parsed.count, text))
                parsed.append(ParsedFile(path: path, relativePath: entry.relative))  // parsed below
            }
        }
        for (index, file) in zip(toParse.map(\.index), session.parse(toParse.map(\.text), at: root)) {
            parsed[index] = file
        }
        loaded.files = parsed
        return loaded
    }

    /// A file to parse, or a path that cannot be read (its problem fails it, and it protects
    /// every stored definition whose source is that path or lies under it).
    struct FileEntry {
        var url: URL
        var relative: String
        var problem: String?
    }

    private func walk(
        _ directory: URL,
        relative: String,
        into files: inout [FileEntry],
        visited: inout Set<String>,
        loaded: inout LoadedRoot,
        session: Session
    ) {
        session.at(directory.path)
        // Following a symlinked folder twice would loop; the resolved path identifies it.
        guard visited.insert(directory.resolvingSymlinksInPath().path).inserted else { return }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            let shown = relative.isEmpty ? loaded.root : Self.join(loaded.root, relative)
            loaded.issues.append(
                DefinitionIssue(
                    .unreadable, at: SourceLocation(path: shown), "cannot read folder: \(error.localizedDescription)"))
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let child = directory.appendingPathComponent(name, isDirectory: false)
            session.at(child.path)
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory) else {
                // A symlink whose target cannot be reached (a loop, a dangling link) must not
                // make its definitions look deleted. A link without an extension may have been
                // a folder of definitions.
                let pathExtension = child.pathExtension.lowercased()
                if let problem = Self.unresolvableLink(child),
                    pathExtension.isEmpty || DefinitionFileParser.extensions.contains(pathExtension)
                {
                    files.append(FileEntry(url: child, relative: childRelative, problem: problem))
                }
                continue
            }
            if isDirectory.boolValue {
                self.walk(
                    child, relative: childRelative, into: &files, visited: &visited, loaded: &loaded, session: session)
            } else if DefinitionFileParser.extensions.contains(child.pathExtension.lowercased()) {
                files.append(FileEntry(url: child, relative: childRelative))
            }
        }
    }

    /// Why a symlink cannot be followed; nil when `url` is not a symlink.
    static func unresolvableLink(_ url: URL) -> String? {
        guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: url.path) else {
            return nil
        }
        var info = stat()
        guard stat(url.path, &info) != 0 else { return nil }
        let reason =
            switch errno {
            case ELOOP: "a symlink loop"
            case ENOENT, ENOTDIR: "a dangling symlink"
            case EACCES: "a symlink whose target cannot be read (permission denied)"
            default: "a symlink that cannot be followed (\(String(cString: strerror(errno))))"
            }
        return "\(reason) (-> \(destination)); every definition stored from this path keeps its state"
    }

    static func join(_ root: String, _ relative: String) -> String {
        if relative.isEmpty { return root }
        return root.hasSuffix("/") ? root + relative : root + "/" + relative
    }
}
