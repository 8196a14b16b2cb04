import Definitions
import Foundation
import Runs
import Testing

@Suite("The run contract")
struct RunContractTests {
    @Test("workflow IDs and type per CONTRACT sections 4-6")
    func names() {
        #expect(RunContract.workflowType == "RunActivityWorkflow")
        #expect(RunContract.scheduledWorkflowID(activityID: "digest") == "activity-digest")
        #expect(RunContract.eventWorkflowID(activityID: "review", eventPart: "e1") == "activity-review:e1")
        #expect(RunContract.manualWorkflowID(activityID: "digest", runToken: "t") == "activity-digest:manual:t")
    }

    @Test("the run input's JSON: no event key without an event, and it decodes back")
    func input() throws {
        #expect(
            RunInput(activityID: "digest", trigger: "cron").json
                == .object(["activity_id": .string("digest"), "trigger": .string("cron")]))
        let event = RunInput(activityID: "r", trigger: "event", event: .object(["id": .string("e1")]))
        #expect(event.json["event"]?["id"] == .string("e1"))
        let decoded = try JSONDecoder().decode(RunInput.self, from: event.json.canonicalJSON())
        #expect(decoded == event)
    }
}
