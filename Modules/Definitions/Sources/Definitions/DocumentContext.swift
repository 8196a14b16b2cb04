import Outbound
import Yams

/// Collects issues for one document and turns YAML marks into file locations.
struct DocumentContext {
    let path: String
    /// Lines before the YAML text in the file (the opening `---` of markdown front matter).
    let lineOffset: Int
    var issues: [DefinitionIssue] = []
    /// Problems that do not fail the file (a likely misspelt key).
    var warnings: [DefinitionWarning] = []
    /// What an http action's literal target is checked against (a warning).
    let outboundPolicy: OutboundPolicy

    init(path: String, lineOffset: Int, outboundPolicy: OutboundPolicy = OutboundPolicy()) {
        self.path = path
        self.lineOffset = lineOffset
        self.outboundPolicy = outboundPolicy
    }

    func location(of node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: self.path, line: 1 + self.lineOffset) }
        return self.location(of: mark)
    }

    func location(of mark: Mark) -> SourceLocation {
        SourceLocation(path: self.path, line: mark.line + self.lineOffset, column: mark.column)
    }

    mutating func report(_ code: DefinitionIssue.Code, at node: Node?, _ message: String) {
        self.issues.append(DefinitionIssue(code, at: self.location(of: node), message))
    }

    mutating func warn(_ kind: DocumentKind, _ code: DefinitionIssue.Code, at node: Node?, _ message: String) {
        self.warnings.append(
            DefinitionWarning(kind: kind, issue: DefinitionIssue(code, at: self.location(of: node), message)))
    }
}
