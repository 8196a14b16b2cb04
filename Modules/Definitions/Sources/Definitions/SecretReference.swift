/// `${secret:NAME}` in an http action's header value: the value of the file `NAME` in
/// `ACTIVITY_SECRETS_DIR`, read when the request is made. Definitions, PostgreSQL, Temporal's
/// history, run records and logs hold only the reference.
///
/// `NAME` is what a Kubernetes Secret key may be (letters, digits, `-`, `_`, `.`), not
/// starting with a dot (the mount's own `..data` entries), not ending in `.hosts` (the file
/// that limits where a secret may be sent), at most 253 characters.
public enum SecretReference {
    static let opening = "${secret:"

    /// A piece of a header value: text as written, or a secret's name.
    public enum Part: Sendable, Hashable {
        case text(String)
        case secret(String)
    }

    /// The value split into text and references; the problem with the first malformed
    /// reference otherwise (`${secret:` not closed, an empty or invalid name).
    public static func parse(_ value: String) -> Result<[Part], ReferenceProblem> {
        var parts: [Part] = []
        var rest = Substring(value)
        while let start = rest.range(of: Self.opening) {
            if start.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<start.lowerBound]))) }
            let afterOpening = rest[start.upperBound...]
            guard let close = afterOpening.firstIndex(of: "}") else {
                return .failure(ReferenceProblem("\(Self.opening)... is not closed by }"))
            }
            let name = String(afterOpening[..<close])
            guard Self.isValidName(name) else {
                return .failure(
                    ReferenceProblem(
                        "\(Self.opening)\(name)} names no secret: a name is letters, digits, '-', '_' and '.', not starting with '.'"
                    ))
            }
            parts.append(.secret(name))
            rest = afterOpening[afterOpening.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return .success(parts)
    }

    /// The names a value refers to (none for a malformed value).
    public static func names(in value: String) -> [String] {
        guard case .success(let parts) = Self.parse(value) else { return [] }
        return parts.compactMap { if case .secret(let name) = $0 { name } else { nil } }
    }

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253, !name.hasPrefix("."), !name.hasSuffix(".hosts") else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2d || byte == 0x5f || byte == 0x2e
        }
    }

    /// Header names whose literal values are credentials: a literal one is a warning, since
    /// it is stored in PostgreSQL and Temporal's history and sits in the repository.
    public static func looksLikeCredential(header name: String) -> Bool {
        let lower = name.lowercased()
        if ["authorization", "proxy-authorization", "cookie"].contains(lower) { return true }
        return ["token", "secret", "password", "api-key", "apikey", "api_key"].contains { lower.contains($0) }
    }

    public struct ReferenceProblem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String

        init(_ description: String) {
            self.description = description
        }
    }
}
