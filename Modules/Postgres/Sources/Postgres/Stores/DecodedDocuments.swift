import Definitions
import Foundation
import Synchronization

/// The documents a store decoded on its last full read, by their exact stored JSON: a read
/// that finds a row's JSON as it was does not decode it again (decoding is a pure function of
/// the text). Each full read keeps only what it used, so changed and removed rows do not
/// pile up.
final class DecodedDocuments<Document: StoredDocument>: Sendable {
    private let entries = Mutex<[String: Document]>([:])

    /// The documents of the last full read.
    var last: [String: Document] { self.entries.withLock { $0 } }

    /// Ends a full read: keeps what it used and nothing else.
    func keep(_ used: [String: Document]) {
        self.entries.withLock { $0 = used }
    }
}
