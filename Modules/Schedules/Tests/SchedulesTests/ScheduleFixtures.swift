import Definitions

@testable import Schedules

enum Fixtures {
    static let projection = ScheduleProjection(prefix: "activity-schedule-", taskQueue: "orchestrator-tq")

    static func definition(
        _ id: String,
        cron: String = "0 * * * *",
        timezone: String = "UTC",
        policy: MisfirePolicy = .skip,
        enabled: Bool = true
    ) -> ActivityDefinition {
        ActivityDefinition(
            id: id,
            enabled: enabled,
            trigger: .cron(CronTrigger(cronExpression: cron, timezone: timezone, misfirePolicy: policy)),
            document: .object(["id": .string(id)])
        )
    }

    static func desired(_ id: String, cron: String = "0 * * * *", enabled: Bool = true) -> DesiredSchedule {
        guard let schedule = Self.projection.project(Self.definition(id, cron: cron, enabled: enabled)) else {
            preconditionFailure("the projection of a cron definition is never nil")
        }
        return schedule
    }
}
