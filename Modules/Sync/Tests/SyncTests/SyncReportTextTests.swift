import Foundation
import Testing

@testable import Sync

/// What `activity-core sync` prints without `--json`, and `plan` after its diff.
@Suite("Sync report as text")
struct SyncReportTextTests {
    @Test("one line per stage, each change, warnings and every error with its file and line")
    func everyStage() async throws {
        let fixture = try SyncFixture()
        try fixture.write(
            "activity-definitions/broken.yaml", "id: broken\ntrigger: {type: cron, cron_expression: \"61 * * * *\"}\n")
        let report = await fixture.runner().run(
            stages: .standard, dryRun: false, allowEmpty: false, refresh: false, logger: SyncFixture.logger)
        let lines = report.text().split(separator: "\n").map(String.init)
        #expect(lines.count >= 3)
        #expect(lines[0] == "definitions: synced 2, upserted 2, unchanged 0, retired 0, invalid 1")
        #expect(lines[1] == "event_types: not requested")
        #expect(
            lines[2]
                == "schedules: created 1, updated 0, unchanged 0, paused 0, unpaused 0, deleted orphans 0, drifted 0, corrected 0"
        )
        #expect(lines.contains("+ create definitions digest"))
        #expect(lines.contains("+ create test-digest"))
        let error = try #require(lines.first { $0.hasPrefix("error: [definitions]") })
        #expect(error.contains("broken.yaml:2"), "\(error)")
    }

    @Test("a dry run of all three stages says so on each line")
    func dryRunAll() async throws {
        let fixture = try SyncFixture()
        let report = await fixture.runner().run(
            stages: .all, dryRun: true, allowEmpty: false, refresh: false, logger: SyncFixture.logger)
        let stages = report.stageLines()
        #expect(stages.count == 3)
        #expect(stages[0].hasPrefix("definitions: synced 2,"))
        #expect(stages[1].hasPrefix("event_types: synced 1,"))
        #expect(stages[2].hasPrefix("schedules: created 1,"))
        #expect(stages.allSatisfy { $0.hasSuffix(" (dry run)") })
    }
}
