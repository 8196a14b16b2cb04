import Foundation

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

    public init(cache: ParseCache? = nil, limits: DefinitionLimits = DefinitionLimits()) {
        self.cache = cache
        self.limits = limits
    }

    /// Loads every root; problems are reported inside the result, never thrown.
    public func load(roots: [String]) -> LoadResult {
        var session = Session(cache: self.cache, limits: self.limits)
        let result = LoadResult(roots: roots.map { self.load(root: $0, session: &session) })
        session.finish()
        return result
    }

    public func load(root: String) -> LoadedRoot {
        self.load(roots: [root]).roots[0]
    }

    /// One load's use of the cache.
    struct Session {
        let cache: ParseCache?
        let limits: DefinitionLimits
        var used: [ParseCache.Key: ParsedFile] = [:]
        var counts = ParseCache.Counts()

        mutating func parse(fileAt url: URL, path: String, relativePath: String) -> ParsedFile {
            guard let cache = self.cache else {
                return DefinitionFileParser.parse(
                    fileAt: url, path: path, relativePath: relativePath, limits: self.limits)
            }
            switch DefinitionFileParser.read(fileAt: url, path: path, relativePath: relativePath, limits: self.limits) {
            case .unreadable(let file):
                return file
            case .text(let text):
                let key = ParseCache.Key(path: path, relativePath: relativePath, text: text)
                if let file = self.used[key] ?? cache.entry(key) {
                    self.counts.hits += 1
                    self.used[key] = file
                    return file
                }
                self.counts.misses += 1
                let file = DefinitionFileParser.parse(
                    text: text, path: path, relativePath: relativePath, limits: self.limits)
                self.used[key] = file
                return file
            }
        }

        func finish() {
            self.cache?.finish(self.used, counts: self.counts)
        }
    }

    private func load(root: String, session: inout Session) -> LoadedRoot {
        let url = URL(fileURLWithPath: root).standardizedFileURL
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
            loaded.files = [file]
            return loaded
        }
        let folders = Self.definitionFolders.filter { name in
            var folderIsDirectory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: url.appendingPathComponent(name).path, isDirectory: &folderIsDirectory)
                && folderIsDirectory.boolValue
        }
        var files: [FileEntry] = []
        var visited: Set<String> = []
        if folders.isEmpty {
            self.walk(url, relative: "", into: &files, visited: &visited, loaded: &loaded)
        } else {
            for folder in folders {
                self.walk(
                    url.appendingPathComponent(folder), relative: folder, into: &files, visited: &visited,
                    loaded: &loaded)
            }
        }
        loaded.files = files.sorted { $0.relative < $1.relative }.map { entry in
            let path = Self.join(root, entry.relative)
            guard let problem = entry.problem else {
                return session.parse(fileAt: entry.url, path: path, relativePath: entry.relative)
            }
            return ParsedFile(
                path: path, relativePath: entry.relative,
                issues: [DefinitionIssue(.unresolvableLink, at: SourceLocation(path: path), problem)])
        }
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
        loaded: inout LoadedRoot
    ) {
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
            let child = directory.appendingPathComponent(name)
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
                self.walk(child, relative: childRelative, into: &files, visited: &visited, loaded: &loaded)
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
