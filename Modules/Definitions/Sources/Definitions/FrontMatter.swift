/// The YAML front matter of a markdown file: text between a first line `---` and the next
/// line that is `---` or `...`. Lines may end in LF, CRLF or CR, and a byte order mark may
/// open the file.
struct FrontMatter {
    var yaml: String
    /// Lines before the YAML (the opening `---`), to report file line numbers.
    var lineOffset: Int
    var body: String

    /// How a markdown file starts.
    enum Split {
        /// No front matter: the file is documentation.
        case none
        /// An opening `---` without a closing line: an error, a typo must not hide a definition.
        case unterminated
        case found(FrontMatter)
    }

    static func split(_ markdown: String) -> Split {
        let lines = UTF8Text.lines(UTF8Text.droppingBOM(Substring(markdown)))
        guard let first = lines.first, Self.trimmed(first) == "---" else { return .none }
        guard
            let end = lines.indices.dropFirst().first(where: {
                Self.trimmed(lines[$0]) == "---" || Self.trimmed(lines[$0]) == "..."
            })
        else {
            return .unterminated
        }
        // The body is kept with LF line breaks, so that converting a file's line endings
        // changes nothing stored.
        return .found(
            FrontMatter(
                yaml: lines[1..<end].joined(separator: "\n") + "\n", lineOffset: 1,
                body: lines[(end + 1)...].joined(separator: "\n").trimmingLeadingNewlines()))
    }

    private init(yaml: String, lineOffset: Int, body: String) {
        self.yaml = yaml
        self.lineOffset = lineOffset
        self.body = body
    }

    private static func trimmed(_ line: Substring) -> Substring {
        var line = line
        while let last = line.last, last == " " || last == "\t" { line = line.dropLast() }
        return line
    }
}

extension String {
    fileprivate func trimmingLeadingNewlines() -> String {
        String(self.drop(while: { $0 == "\n" }))
    }
}
