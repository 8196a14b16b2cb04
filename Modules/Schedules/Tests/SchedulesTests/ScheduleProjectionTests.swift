import Definitions
import Testing

@testable import Schedules

@Suite("ScheduleProjection")
struct ScheduleProjectionTests {
    @Test(
        "misfire policy -> overlap and default catchup window",
        arguments: [
            (MisfirePolicy.skip, OverlapPolicy.skip, 60),
            (.catchupAll, .bufferAll, 365 * 24 * 3600),
            (.catchupLatest, .bufferOne, 24 * 3600),
        ]
    )
    func policies(policy: MisfirePolicy, overlap: OverlapPolicy, window: Int) throws {
        let schedule = try #require(Fixtures.projection.project(Fixtures.definition("d", policy: policy)))
        #expect(schedule.overlap == overlap)
        #expect(schedule.catchupWindowSeconds == window)
    }

    @Test("every trigger option reaches the schedule")
    func options() throws {
        let definition = ActivityDefinition(
            id: "coulomb-daily-digest",
            enabled: false,
            trigger: .cron(
                CronTrigger(
                    cronExpression: "0 6 * * *",
                    timezone: "Europe/Berlin",
                    misfirePolicy: .catchupLatest,
                    jitterSeconds: 30,
                    catchupWindowSeconds: 3600
                )
            ),
            document: .null
        )
        let schedule = try #require(ScheduleProjection(prefix: "p-", taskQueue: "q").project(definition))
        #expect(schedule.scheduleID == "p-coulomb-daily-digest")
        #expect(schedule.cronExpression == "0 6 * * *")
        #expect(schedule.timezone == "Europe/Berlin")
        #expect(schedule.jitterSeconds == 30)
        #expect(schedule.catchupWindowSeconds == 3600)
        #expect(schedule.overlap == .bufferOne)
        #expect(schedule.paused)
        #expect(schedule.taskQueue == "q")
        #expect(schedule.workflowType == "RunActivityWorkflow")
        #expect(schedule.workflowID == "activity-coulomb-daily-digest")
        #expect(
            schedule.input == .object(["activity_id": .string("coulomb-daily-digest"), "trigger": .string("cron")]))
        #expect(schedule.memo == ["managed-by": "activity-core", "activity-id": "coulomb-daily-digest"])
    }

    @Test("event and manual definitions have no schedule")
    func nonCron() {
        let event = ActivityDefinition(id: "e", trigger: .event(EventTrigger(eventType: "repo.push")), document: .null)
        let manual = ActivityDefinition(id: "m", document: .null)
        #expect(Fixtures.projection.project(event) == nil)
        #expect(Fixtures.projection.project(manual) == nil)
    }

    @Test("the spec hash is stable, ignores memo and pause state, and changes with the spec")
    func hash() {
        let a = Fixtures.desired("a")
        var memoChanged = a
        memoChanged.memo = ["other": "memo"]
        #expect(a.specHash == Fixtures.desired("a").specHash)
        #expect(a.specHash == memoChanged.specHash)
        #expect(a.specHash.count == 64)
        #expect(a.specHash != Fixtures.desired("a", cron: "0 6 * * *").specHash)
        #expect(a.specHash == Fixtures.desired("a", enabled: false).specHash)
        // Pinned: a change of the hashed form would make every schedule look changed once.
        #expect(a.specHash == "85bb60750fcc7c49fa43f27ee042572d5642fe981e2a6203973f9690311ebbca")
    }
}
