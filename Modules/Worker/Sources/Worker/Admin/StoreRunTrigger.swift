import AdminAPI
import Definitions

/// `POST /admin/definitions/{id}/trigger`: a manual run of a stored, live definition.
public struct StoreRunTrigger: RunTriggering {
    let definitions: any DocumentStore<ActivityDefinition>
    let trigger: ManualTrigger

    public init(definitions: any DocumentStore<ActivityDefinition>, trigger: ManualTrigger) {
        self.definitions = definitions
        self.trigger = trigger
    }

    public func trigger(activityID: String) async throws -> String? {
        guard let record = try await self.definitions.record(id: activityID), !record.isRetired else { return nil }
        return try await self.trigger.start(activityID: activityID)
    }
}
