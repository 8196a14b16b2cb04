/// Starts a manual run of a definition (`activity-core trigger`, `POST
/// /admin/definitions/{id}/trigger`) and returns its workflow ID.
public protocol ManualRunStarter: Sendable {
    func start(activityID: String) async throws -> String
}
