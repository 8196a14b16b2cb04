import Outbound

/// Per-file bounds on what the loader reads (CONTRACT section 8): each one passed is a
/// located error of that file only, so that no file can hang a sync or exhaust memory.
public struct DefinitionLimits: Sendable, Hashable {
    /// `ACTIVITY_MAX_FILE_BYTES`: larger files are not read at all.
    public var maxFileBytes: Int
    /// Collections nested in collections, counted from a document's root.
    public var maxDepth: Int
    /// Nodes of a file with every alias expanded (counted without expanding them).
    public var maxNodes: Int
    /// YAML documents in one file.
    public var maxDocuments: Int
    /// `ACTIVITY_FILE_READ_TIMEOUT_SECONDS`: the last resort against a file system that does
    /// not answer (a hung network or FUSE mount). A folder listing, a file's type check, open
    /// or read that takes longer fails its whole root (nothing stored from it is retired).
    public var readTimeout: Duration
    /// `ACTIVITY_HTTP_ALLOW`: an http action whose literal target (an address, `localhost`)
    /// the policy refuses is a warning of its file. Not a limit of reading, but checked where
    /// the file is read, so that `validate` and sync name the file and line.
    public var outboundPolicy: OutboundPolicy
    /// Bytes of scalar text of a file with every alias expanded: a few large strings copied
    /// by aliases must not grow into gigabytes either. Four times `maxFileBytes`.
    public var maxExpandedBytes: Int { self.maxFileBytes.multipliedReportingOverflow(by: 4).partialValue }

    public static let defaultMaxFileBytes = 1_048_576

    public init(
        maxFileBytes: Int = Self.defaultMaxFileBytes,
        maxDepth: Int = 64,
        maxNodes: Int = 100_000,
        maxDocuments: Int = 1_000,
        readTimeout: Duration = .seconds(30),
        outboundPolicy: OutboundPolicy = OutboundPolicy()
    ) {
        self.outboundPolicy = outboundPolicy
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxDocuments = maxDocuments
        // At least a millisecond, and no more than a year: a deadline added to an instant
        // must not overflow.
        self.readTimeout = min(max(readTimeout, .milliseconds(1)), .seconds(31_536_000))
    }
}
