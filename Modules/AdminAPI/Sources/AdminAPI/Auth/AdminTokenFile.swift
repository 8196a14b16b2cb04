/// The text of `ACTIVITY_ADMIN_TOKEN_FILE` or `ACTIVITY_READ_TOKEN_FILE`: one token a line,
/// optionally `name:token`; blank lines and lines starting with `#` are skipped. A token
/// without a name is named after its file and line (`tokens:3`), so the audit can tell
/// tokens apart without showing them.
public enum AdminTokenFile {
    /// A line that holds no usable token.
    public struct LineError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var reason: String

        public var description: String { "line \(self.line): \(self.reason)" }
    }

    /// A token in a file has at least this many characters (`openssl rand -hex 32` has 64).
    public static let minimumLength = 16

    public static func parse(_ text: String, role: AdminToken.Role, fileName: String) throws(LineError)
        -> [AdminToken]
    {
        var tokens: [AdminToken] = []
        // "\r\n" is one Character: a file written on Windows splits into lines too.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmed(of: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            var name = "\(fileName):\(index + 1)"
            var secret = line
            if let colon = line.firstIndex(of: ":"), Self.isName(Substring(line[..<colon].trimmed(of: " \t"))) {
                name = line[..<colon].trimmed(of: " \t")
                secret = line[line.index(after: colon)...].trimmed(of: " \t")
            }
            guard !secret.isEmpty else {
                throw LineError(line: index + 1, reason: "the token after \"\(name):\" is empty")
            }
            guard !secret.contains(where: { $0 == " " || $0 == "\t" || $0.asciiValue.map { $0 < 0x20 } == true }) else {
                throw LineError(line: index + 1, reason: "a token holds no blank or control character")
            }
            guard secret.count >= Self.minimumLength else {
                throw LineError(
                    line: index + 1, reason: "the token of \"\(name)\" is shorter than \(Self.minimumLength) characters"
                )
            }
            guard !tokens.contains(where: { $0.name == name }) else {
                throw LineError(line: index + 1, reason: "the name \"\(name)\" is used twice")
            }
            tokens.append(AdminToken(name: name, secret: secret, role: role))
        }
        return tokens
    }

    /// Letters, digits, `.`, `_` and `-`, at most 64.
    static func isName(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "._-".unicodeScalars.contains(scalar))
            }
    }
}

extension StringProtocol {
    func trimmed(of set: String) -> String {
        let characters = Set(set)
        guard let first = self.firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = self.lastIndex(where: { !characters.contains($0) }) ?? first
        return String(self[first...last])
    }
}
