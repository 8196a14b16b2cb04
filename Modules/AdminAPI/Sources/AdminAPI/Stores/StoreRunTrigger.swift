import Definitions
import Runs

/// `POST /admin/definitions/{id}/trigger`: a manual run of a stored, live definition.
public struct StoreRunTrigger: RunTriggering {
    let definitions: any DocumentStore<ActivityDefinition>
    let starter: any ManualRunStarter

    public init(definitions: any DocumentStore<ActivityDefinition>, starter: any ManualRunStarter) {
        self.definitions = definitions
        self.starter = starter
    }

    public func trigger(activityID: String) async throws -> String? {
        guard let record = try await self.definitions.record(id: activityID), !record.isRetired else { return nil }
        return try await self.starter.start(activityID: activityID)
    }
}
