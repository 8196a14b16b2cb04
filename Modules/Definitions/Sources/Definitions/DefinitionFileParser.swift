import Foundation
import Yams

/// Parses the text of one definition file: `.yaml`/`.yml` (one or more documents) or `.md`
/// (YAML front matter between `---` lines; the body is documentation).
public enum DefinitionFileParser {
    /// File extensions the loader reads.
    public static let extensions: Set<String> = ["yaml", "yml", "md"]

    public static func parse(text: String, path: String, relativePath: String) -> ParsedFile {
        var file = ParsedFile(path: path, relativePath: relativePath)
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
            case .found(let frontMatter):
                Self.parseDocuments(
                    frontMatter.yaml, lineOffset: frontMatter.lineOffset, body: frontMatter.body, into: &file)
            }
        } else {
            Self.parseDocuments(text, lineOffset: 0, body: nil, into: &file)
        }
        return file
    }

    /// Reads and parses a file from disk; an unreadable or non-UTF-8 file is an issue.
    public static func parse(fileAt url: URL, path: String, relativePath: String) -> ParsedFile {
        switch Self.read(fileAt: url, path: path, relativePath: relativePath) {
        case .text(let text): Self.parse(text: text, path: path, relativePath: relativePath)
        case .unreadable(let file): file
        }
    }

    enum FileText {
        case text(String)
        /// The file as a parse result carrying the read problem.
        case unreadable(ParsedFile)
    }

    static func read(fileAt url: URL, path: String, relativePath: String) -> FileText {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            return .unreadable(
                ParsedFile(
                    path: path,
                    relativePath: relativePath,
                    issues: [
                        DefinitionIssue(
                            .unreadable, at: SourceLocation(path: path),
                            "cannot read file: \(error.localizedDescription)")
                    ]
                ))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .unreadable(
                ParsedFile(
                    path: path,
                    relativePath: relativePath,
                    issues: [DefinitionIssue(.unreadable, at: SourceLocation(path: path), "file is not valid UTF-8")]
                ))
        }
        return .text(text)
    }

    private static func parseDocuments(_ yaml: String, lineOffset: Int, body: String?, into file: inout ParsedFile) {
        var context = DocumentContext(path: file.path, lineOffset: lineOffset)
        do {
            let parser = try Parser(yaml: yaml)
            while let root = try parser.nextRoot() {
                if MappingReader.isNull(root) { continue }
                let (kind, document, mentioned) = DocumentDecoder.decode(root, markdownBody: body, context: &context)
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
    }

    /// After a syntax error the documents past it are unknown. Top-level `id:` lines still
    /// name what the file held, so their stored state is protected (of either kind: which
    /// one a broken document was cannot be known).
    static func protectIDs(in yaml: String, file: inout ParsedFile) {
        for line in yaml.split(separator: "\n") where line.hasPrefix("id:") || line.hasPrefix("type_id:") {
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
