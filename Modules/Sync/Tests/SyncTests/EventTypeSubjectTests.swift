import Definitions
import Foundation
import Sync
import Testing

@Suite("Event types sharing a subject")
struct EventTypeSubjectTests {
    @Test("two enabled event types with the same subject are a sync error naming both files; a disabled one is not")
    func sharedSubject() async throws {
        let fixture = try SyncFixture()
        try fixture.write("event-types/a.yaml", "type: event-type\nid: gitea.push\nsubject: gitea.*.push\n")
        try fixture.write("event-types/b.yaml", "type: event-type\nid: forge.push\nsubject: gitea.*.push\n")
        let stages = SyncStages(definitions: true, eventTypes: true, schedules: false)
        let report = try SyncServiceTests.report(try await fixture.service().sync(stages, dryRun: false, trigger: .api))
        #expect(!report.ok)
        let errors = report.errors.filter { $0.stage == .eventTypes }
        #expect(errors.count == 1)
        #expect(errors.first?.item == "gitea.*.push")
        let message = errors.first?.message ?? ""
        #expect(message.contains("event-types/a.yaml") && message.contains("event-types/b.yaml"), "\(message)")
        #expect(message.contains("forge.push") && message.contains("gitea.push"))

        try fixture.write(
            "event-types/b.yaml", "type: event-type\nid: forge.push\nsubject: gitea.*.push\nenabled: false\n")
        let fixed = try SyncServiceTests.report(try await fixture.service().sync(stages, dryRun: false, trigger: .api))
        #expect(fixed.ok, "\(fixed.errors)")
    }
}
