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
        /// A per-file limit (size, depth, nodes, documents) was passed.
        case limit
        /// The file is not UTF-8.
        case encoding
        /// A symlink that cannot be resolved (loop, dangling, unreadable target).
        case unresolvableLink
        /// A FIFO, socket or device where a definition file was expected: never opened or read.
        case notRegularFile
        /// A file-system call under a root did not return within the read deadline.
        case readTimeout
        /// The store refused a valid document.
        case store
        /// A top-level key that looks like a misspelt contract key (a warning).
        case likelyTypo
        /// A change an operator should notice (a warning).
        case notice
        /// An http action's literal target (an address, `localhost`) that the outbound policy
        /// refuses (a warning: the run fails when it is made).
        case refusedTarget
        /// A credential header (Authorization, a token) written as a literal value instead of
        /// a `${secret:NAME}` reference (a warning).
        case literalCredential
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
