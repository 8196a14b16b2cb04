import Definitions
import Foundation

/// The event's part of a workflow ID (`activity-<id>:<event id>`). An event ID longer than
/// 200 characters (Unicode scalars, so at most 800 bytes), or holding a control character, is replaced by `sha256-<hex>` of it: Temporal
/// caps workflow IDs (1000 bytes), and the digest is as stable as the ID, so a redelivered
/// event still meets its own workflow. The envelope keeps the original ID.
public enum EventID {
    public static let maxLength = 200

    public static func workflowPart(_ id: String) -> String {
        let plain =
            id.unicodeScalars.count <= Self.maxLength
            && !id.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard !plain else { return id }
        return "sha256-\(SHA256Hex.of(Data(id.utf8)))"
    }
}
