import Definitions
import Runs

/// Turns cron definitions into the schedules they should have. Pure: no I/O.
public struct ScheduleProjection: Sendable, Hashable {
    public static let workflowType = RunContract.workflowType

    public var prefix: String
    public var taskQueue: String

    public init(prefix: String = "activity-schedule-", taskQueue: String = "orchestrator-tq") {
        self.prefix = prefix
        self.taskQueue = taskQueue
    }

    public func scheduleID(for activityID: String) -> String {
        self.prefix + activityID
    }

    /// The schedule of one definition, or nil when it is not a cron definition.
    public func project(_ definition: ActivityDefinition) -> DesiredSchedule? {
        guard case .cron(let cron) = definition.trigger else { return nil }
        return DesiredSchedule(
            scheduleID: self.scheduleID(for: definition.id),
            activityID: definition.id,
            cronExpression: cron.cronExpression,
            timezone: cron.timezone,
            jitterSeconds: cron.jitterSeconds,
            overlap: Self.overlap(for: cron.misfirePolicy),
            catchupWindowSeconds: cron.effectiveCatchupWindowSeconds,
            paused: !definition.enabled,
            workflowType: Self.workflowType,
            workflowID: RunContract.scheduledWorkflowID(activityID: definition.id),
            taskQueue: self.taskQueue,
            input: RunInput(activityID: definition.id, trigger: "cron").json,
            memo: ["managed-by": "activity-core", "activity-id": definition.id]
        )
    }

    /// Every schedule the live (non-retired) cron definitions should have, by schedule ID.
    public func project(_ definitions: [ActivityDefinition]) -> [String: DesiredSchedule] {
        var schedules: [String: DesiredSchedule] = [:]
        for definition in definitions {
            if let schedule = self.project(definition) { schedules[schedule.scheduleID] = schedule }
        }
        return schedules
    }

    public static func overlap(for policy: MisfirePolicy) -> OverlapPolicy {
        switch policy {
        case .skip: .skip
        case .catchupAll: .bufferAll
        case .catchupLatest: .bufferOne
        }
    }
}
