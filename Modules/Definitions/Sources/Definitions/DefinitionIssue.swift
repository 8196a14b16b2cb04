/// One problem found while loading or validating definition files.
public struct DefinitionIssue: Sendable, Hashable, CustomStringConvertible {
    /// A stable category, for tests and metrics; the message is for people.
    public enum Code: String, Sendable, Hashable {
        case unreadable
        case syntax
        case invalidDocument
        case invalidValue
        case unknownKey
        case missingKey
        case duplicateID
        case emptyRoot
        case missingRoot
    }

    public var code: Code
    public var location: SourceLocation
    public var message: String

    public init(_ code: Code, at location: SourceLocation, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    /// `path:line:column: message`.
    public var description: String { "\(self.location): \(self.message)" }
}
