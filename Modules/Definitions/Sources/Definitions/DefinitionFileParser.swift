import Foundation
import Yams

/// Parses the text of one definition file: `.yaml`/`.yml` (one or more documents) or `.md`
/// (YAML front matter between `---` lines; the body is documentation).
public enum DefinitionFileParser {
    /// File extensions the loader reads.
    public static let extensions: Set<String> = ["yaml", "yml", "md"]

    public static func parse(
        text: String, path: String, relativePath: String, limits: DefinitionLimits = DefinitionLimits()
    ) -> ParsedFile {
        var file = ParsedFile(path: path, relativePath: relativePath)
        if text.utf8.count > limits.maxFileBytes {
            file.issues.append(Self.tooLarge(text.utf8.count, limits: limits, path: path))
            Self.protectIDs(in: text, file: &file)
            return file
        }
        if path.lowercased().hasSuffix(".md") {
            switch FrontMatter.split(text) {
            case .none:
                return file
            case .unterminated:
                file.issues.append(
                    DefinitionIssue(
                        .syntax, at: SourceLocation(path: path),
                        "front matter opened with --- is never closed by a --- line")
                )
                Self.protectIDs(in: text, file: &file)
            case .found(let frontMatter):
                Self.parseDocuments(
                    frontMatter.yaml, lineOffset: frontMatter.lineOffset, body: frontMatter.body, limits: limits,
                    into: &file)
                // The body is stored with the definition: it must be storable too.
                let definesSomething = !file.documents.isEmpty || !file.mentionedActivityIDs.isEmpty
                if definesSomething, let nul = text.utf8.firstIndex(of: 0) {
                    let offset = text.utf8.distance(from: text.utf8.startIndex, to: nul)
                    file.issues.append(
                        DefinitionIssue(
                            .invalidValue,
                            at: SourceLocation(path: path, line: UTF8Text.line(atOffset: offset, in: Data(text.utf8))),
                            "the markdown body holds the character U+0000 (NUL), which PostgreSQL cannot store"))
                }
            }
        } else {
            // A byte order mark is not part of the YAML (libyaml, told the encoding, would read
            // it as text of the first key). Editors do not show it, so the columns of line 1
            // counted without it are the ones an editor shows.
            Self.parseDocuments(
                String(UTF8Text.droppingBOM(Substring(text))), lineOffset: 0, body: nil, limits: limits, into: &file)
        }
        return file
    }

    /// Reads and parses a file from disk; an unreadable, oversized or non-UTF-8 file is an issue.
    public static func parse(
        fileAt url: URL, path: String, relativePath: String, limits: DefinitionLimits = DefinitionLimits()
    ) -> ParsedFile {
        switch Self.read(fileAt: url, path: path, relativePath: relativePath, limits: limits) {
        case .text(let text): Self.parse(text: text, path: path, relativePath: relativePath, limits: limits)
        case .unreadable(let file): file
        }
    }

    enum FileText {
        case text(String)
        /// The file as a parse result carrying the read problem.
        case unreadable(ParsedFile)
    }

    static func read(
        fileAt url: URL, path: String, relativePath: String, limits: DefinitionLimits,
        reader: RegularFile.Reader = RegularFile.contents(atPath:maxBytes:)
    ) -> FileText {
        // Never more than one byte past the limit, whatever the file's size.
        switch reader(url.path, limits.maxFileBytes + 1) {
        case .success(let contents):
            return Self.decode(
                contents.data, path: path, relativePath: relativePath, limits: limits, size: { contents.size })
        case .failure(let failure):
            let code: DefinitionIssue.Code =
                switch failure {
                case .notRegular: .notRegularFile
                case .failed: .unreadable
                }
            return .unreadable(
                ParsedFile(
                    path: path, relativePath: relativePath,
                    issues: [DefinitionIssue(code, at: SourceLocation(path: path), failure.message)]))
        }
    }

    /// Parses a file's bytes as `read` would have them.
    public static func parse(
        data: Data, path: String, relativePath: String, limits: DefinitionLimits = DefinitionLimits()
    ) -> ParsedFile {
        switch Self.decode(data, path: path, relativePath: relativePath, limits: limits, size: { data.count }) {
        case .text(let text): Self.parse(text: text, path: path, relativePath: relativePath, limits: limits)
        case .unreadable(let file): file
        }
    }

    /// The text of a file's bytes, or the file failed for its size or its encoding.
    static func decode(
        _ data: Data, path: String, relativePath: String, limits: DefinitionLimits, size: () -> Int
    ) -> FileText {
        if data.count > limits.maxFileBytes {
            var file = ParsedFile(path: path, relativePath: relativePath)
            file.issues.append(Self.tooLarge(size(), limits: limits, path: path))
            // What the first part names is protected too (the file may have moved and grown).
            Self.protectIDs(in: String(decoding: data, as: UTF8.self), file: &file)
            return .unreadable(file)
        }
        switch UTF8Text.decode(data) {
        case .success(let text):
            return .text(text)
        case .failure(let invalid):
            var file = ParsedFile(path: path, relativePath: relativePath)
            let line = UTF8Text.line(atOffset: invalid.offset, in: data)
            file.issues.append(
                DefinitionIssue(
                    .encoding, at: SourceLocation(path: path, line: line),
                    "file is not valid UTF-8 (first invalid byte at offset \(invalid.offset))"))
            Self.protectIDs(in: String(decoding: data, as: UTF8.self), file: &file)
            return .unreadable(file)
        }
    }

    static func tooLarge(_ size: Int, limits: DefinitionLimits, path: String) -> DefinitionIssue {
        DefinitionIssue(
            .limit, at: SourceLocation(path: path),
            "file is \(size) bytes, over the limit of \(limits.maxFileBytes) (ACTIVITY_MAX_FILE_BYTES); it is not read")
    }

    private static func parseDocuments(
        _ yaml: String, lineOffset: Int, body: String?, limits: DefinitionLimits, into file: inout ParsedFile
    ) {
        var context = DocumentContext(path: file.path, lineOffset: lineOffset, outboundPolicy: limits.outboundPolicy)
        if let violation = YAMLShapeCheck(limits: limits, path: file.path, lineOffset: lineOffset)
            .firstViolation(in: yaml)
        {
            file.issues.append(violation)
            Self.protectIDs(in: yaml, file: &file)
            return
        }
        do {
            // UTF-8 named: Yams' default looks the encoding up in the environment every time.
            let parser = try Parser(yaml: yaml, encoding: .utf8)
            while let composed = try parser.nextRoot() {
                if MappingReader.isNull(composed) { continue }
                let before = context.issues.count
                let root = NodeNormalizer.normalize(composed, context: &context)
                let normalized = context.issues.count == before
                let (kind, decoded, mentioned) = DocumentDecoder.decode(root, markdownBody: body, context: &context)
                let document = normalized ? decoded : nil
                if let mentioned {
                    switch kind {
                    case .eventType: file.mentionedEventTypeIDs.insert(mentioned)
                    case .activity: file.mentionedActivityIDs.insert(mentioned)
                    case .skipped: break
                    }
                }
                if let document { file.documents.append(document) }
                // Markdown carries a single front matter document.
                if body != nil { break }
            }
        } catch let error as YamlError {
            context.issues.append(Self.issue(for: error, context: context))
            Self.protectIDs(in: yaml, file: &file)
        } catch {
            context.issues.append(DefinitionIssue(.syntax, at: SourceLocation(path: file.path), "YAML error: \(error)"))
            Self.protectIDs(in: yaml, file: &file)
        }
        file.issues += context.issues
        file.warnings += context.warnings
    }

    /// After a syntax error the documents past it are unknown. Top-level `id:` lines still
    /// name what the file held, so their stored state is protected (of either kind: which
    /// one a broken document was cannot be known). Lines may end in LF, CRLF or CR.
    static func protectIDs(in text: String, file: inout ParsedFile) {
        for line in UTF8Text.lines(UTF8Text.droppingBOM(Substring(text)))
        where line.hasPrefix("id:") || line.hasPrefix("type_id:") {
            let value = line.drop(while: { $0 != ":" }).dropFirst()
                .trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            let id = value.split(separator: " ").first.map(String.init) ?? ""
            guard Identifier.isValid(id) else { continue }
            file.mentionedActivityIDs.insert(id)
            file.mentionedEventTypeIDs.insert(id)
        }
    }

    private static func issue(for error: YamlError, context: DocumentContext) -> DefinitionIssue {
        switch error {
        case .scanner(let detail, let problem, let mark, _),
            .parser(let detail, let problem, let mark, _),
            .composer(let detail, let problem, let mark, _):
            let suffix = detail.map { " (\($0.text))" } ?? ""
            return DefinitionIssue(.syntax, at: context.location(of: mark), "YAML syntax error: \(problem)\(suffix)")
        case .duplicatedKeysInMapping(let duplicates, let detail):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return DefinitionIssue(
                .syntax, at: context.location(of: detail.mark), "key \(keys) is given more than once in one mapping")
        default:
            return DefinitionIssue(.syntax, at: SourceLocation(path: context.path), "YAML error: \(error)")
        }
    }
}
