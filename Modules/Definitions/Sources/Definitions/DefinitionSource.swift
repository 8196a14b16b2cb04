/// Where a stored document came from: its root's absolute path and the file's path
/// relative to that root.
public struct DefinitionSource: Sendable, Hashable, Codable, CustomStringConvertible {
    public var root: String
    public var path: String

    public init(root: String, path: String) {
        self.root = root
        self.path = path
    }

    public var description: String { DefinitionLoader.join(self.root, self.path) }
}
