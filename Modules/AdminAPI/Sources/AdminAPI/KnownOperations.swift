import Synchronization

/// The operations a router serves (`GET /admin/runs`, `POST /admin/definitions/{id}/trigger`),
/// filled in once the routes are registered: which methods a path allows, so that another
/// method on a known path is a `405` with `Allow`, not a `404`.
final class KnownOperations: Sendable {
    private let operations = Mutex<[(method: String, segments: [Substring])]>([])

    func set(_ operations: [String]) {
        let parsed = operations.compactMap { operation -> (String, [Substring])? in
            let parts = operation.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), parts[1].split(separator: "/"))
        }
        self.operations.withLock { $0 = parsed.map { (method: $0.0, segments: $0.1) } }
    }

    /// The methods served on `path`, sorted; empty for a path no route has.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        let operations = self.operations.withLock { $0 }
        let methods = operations.filter { operation in
            operation.segments.count == segments.count
                && zip(operation.segments, segments).allSatisfy { pattern, segment in
                    (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == segment
                }
        }.map(\.method)
        return Set(methods).sorted()
    }
}
