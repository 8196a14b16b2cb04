import Foundation

/// A document as the store keeps it: the validated document, its source, a content hash
/// (what "unchanged" is decided by) and when it was retired.
public struct StoredRecord<Document: StoredDocument>: Sendable, Hashable {
    public var document: Document
    public var source: DefinitionSource
    public var contentHash: String
    /// Set when the document disappeared from files that all parsed.
    public var retiredAt: Date?
    public var updatedAt: Date?

    public init(document: Document, source: DefinitionSource, retiredAt: Date? = nil, updatedAt: Date? = nil) {
        self.document = document
        self.source = source
        self.contentHash = Self.hash(document: document, source: source)
        self.retiredAt = retiredAt
        self.updatedAt = updatedAt
    }

    /// Restores a record read from storage with the hash stored beside it.
    public init(document: Document, source: DefinitionSource, contentHash: String, retiredAt: Date?, updatedAt: Date?) {
        self.document = document
        self.source = source
        self.contentHash = contentHash
        self.retiredAt = retiredAt
        self.updatedAt = updatedAt
    }

    public var id: String { self.document.id }
    public var isRetired: Bool { self.retiredAt != nil }

    /// SHA-256 over the canonical JSON of document and source: equal content, equal hash,
    /// whatever the key order in the file.
    public static func hash(document: Document, source: DefinitionSource) -> String {
        SHA256Hex.of(Self.canonicalJSON(HashedContent(document: document, source: source)))
    }

    /// Sorted-key JSON of an encodable value.
    public static func canonicalJSON(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The documents are plain Codable structs of strings, numbers and JSONValue;
        // encoding them cannot fail.
        return (try? encoder.encode(value)) ?? Data()
    }

    private struct HashedContent: Encodable {
        var document: Document
        var source: DefinitionSource
    }
}
