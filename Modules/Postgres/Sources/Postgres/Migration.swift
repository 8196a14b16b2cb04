/// One versioned schema change. Statements use `{schema}` for the schema's quoted name.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    func sql(schema: String) -> [String] {
        self.statements.map { $0.replacingOccurrences(of: "{schema}", with: "\"\(schema)\"") }
    }
}
