import Definitions
import Foundation
import Schedules

/// The result of one sync run in the contract's JSON shape (CONTRACT section 7): what the
/// CLI prints with `--json` and what `POST /admin/sync` answers.
public struct SyncReport: Sendable, Encodable {
    public static let maxErrors = 100
    public static let maxChanges = 1000

    public struct Counts: Sendable, Encodable, Hashable {
        public var synced, upserted, unchanged, retired, invalid: Int

        public init(_ report: DocumentSyncReport) {
            self.synced = report.synced
            self.upserted = report.upserted
            self.unchanged = report.unchanged
            self.retired = report.retired
            self.invalid = report.invalid
        }
    }

    public struct ScheduleCounts: Sendable, Encodable, Hashable {
        public var upserted, created, updated, unchanged, paused, unpaused: Int
        public var deletedOrphans: Int
        /// Owned schedules changed behind activity-core's back; those updated back.
        public var drifted, corrected: Int

        public init(_ report: ScheduleSyncReport) {
            self.upserted = report.upserted
            self.created = report.created
            self.updated = report.updated
            self.unchanged = report.unchanged
            self.paused = report.paused
            self.unpaused = report.unpaused
            self.deletedOrphans = report.deletedOrphans
            self.drifted = report.drifted
            self.corrected = report.corrected
        }

        enum CodingKeys: String, CodingKey {
            case upserted, created, updated, unchanged, paused, unpaused
            case deletedOrphans = "deleted_orphans"
            case drifted, corrected
        }
    }

    public struct Change: Sendable, Encodable, Hashable {
        public var stage: SyncStage
        public var item: String
        public var action: String
        /// Only on schedule creates and updates that leave the schedule paused.
        public var paused: Bool?
        /// Only on `correct`: the fields that had drifted.
        public var fields: [String]? = nil
    }

    public struct Problem: Sendable, Encodable, Hashable {
        public var stage: SyncStage
        public var item: String
        public var message: String
    }

    public var ok: Bool { self.errors.isEmpty && self.errorsTruncated == 0 }
    public var dryRun: Bool
    public var startedAt: Date
    public var durationMilliseconds: Int
    public var definitions: Counts?
    public var eventTypes: Counts?
    public var schedules: ScheduleCounts?
    /// Items that needed no write, for `plan`'s `=` lines (not part of the JSON).
    public private(set) var unchanged: [Change] = []
    public private(set) var changes: [Change] = []
    public private(set) var errors: [Problem] = []
    public private(set) var errorsTruncated = 0
    public var warnings: [String] = []
    /// Drifted schedules and their fields, corrected or not (for `plan` and metrics; the
    /// JSON has the counts and the `correct` changes).
    public private(set) var drift: [String: [String]] = [:]

    public init(dryRun: Bool, startedAt: Date) {
        self.dryRun = dryRun
        self.startedAt = startedAt
        self.durationMilliseconds = 0
    }

    public mutating func addChange(
        stage: SyncStage, item: String, action: String, paused: Bool? = nil, fields: [String]? = nil
    ) {
        guard self.changes.count < Self.maxChanges else { return }
        self.changes.append(
            Change(stage: stage, item: item, action: action, paused: paused == true ? true : nil, fields: fields))
    }

    /// The `errors` item of a refused emptying sync (CONTRACT section 8).
    public static let allowEmptyItem = "allow_empty"

    public mutating func addError(stage: SyncStage, item: String, message: String) {
        guard self.errors.count < Self.maxErrors else {
            self.errorsTruncated += 1
            return
        }
        self.errors.append(Problem(stage: stage, item: item, message: message))
    }

    /// Adds the schedules stage's outcome.
    public mutating func add(_ report: ScheduleSyncReport) {
        self.schedules = ScheduleCounts(report)
        for change in report.changes {
            self.addChange(
                stage: .schedules, item: change.scheduleID, action: change.action, paused: change.paused,
                fields: change.fields)
        }
        self.unchanged += report.unchangedIDs.map { Change(stage: .schedules, item: $0, action: "unchanged") }
        for failure in report.errors {
            self.addError(stage: .schedules, item: failure.scheduleID, message: failure.message)
        }
        if let refusal = report.emptyRefusal {
            self.addError(stage: .schedules, item: Self.allowEmptyItem, message: refusal)
        }
        self.warnings += report.warnings.map(\.description)
        self.drift = report.drift
    }

    /// Adds one document kind's outcome under `stage`.
    public mutating func add(_ report: DocumentSyncReport, stage: SyncStage) {
        for change in report.changes {
            self.addChange(stage: stage, item: change.id, action: change.action.rawValue)
        }
        self.unchanged += report.unchangedIDs.map { Change(stage: stage, item: $0, action: "unchanged") }
        for issue in report.issues {
            self.addError(stage: stage, item: issue.location.path, message: issue.description)
        }
        if let refusal = report.emptyRefusal {
            self.addError(stage: stage, item: Self.allowEmptyItem, message: refusal)
        }
        self.warnings += report.warnings
    }

    enum CodingKeys: String, CodingKey {
        case ok
        case dryRun = "dry_run"
        case startedAt = "started_at"
        case durationMilliseconds = "duration_ms"
        case definitions
        case eventTypes = "event_types"
        case schedules, changes, errors
        case errorsTruncated = "errors_truncated"
        case warnings
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.ok, forKey: .ok)
        try container.encode(self.dryRun, forKey: .dryRun)
        try container.encode(self.startedAt.formatted(.iso8601), forKey: .startedAt)
        try container.encode(self.durationMilliseconds, forKey: .durationMilliseconds)
        try container.encode(self.definitions, forKey: .definitions)
        try container.encode(self.eventTypes, forKey: .eventTypes)
        try container.encode(self.schedules, forKey: .schedules)
        try container.encode(self.changes, forKey: .changes)
        try container.encode(self.errors, forKey: .errors)
        try container.encode(self.errorsTruncated, forKey: .errorsTruncated)
        try container.encode(self.warnings, forKey: .warnings)
    }

    /// Pretty JSON with sorted keys.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // SyncReport holds only strings, numbers and optionals of them.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The human summary: counts, one line per change, one per error.
    public func text() -> String {
        var lines = self.stageLines()
        for change in self.changes {
            lines.append(Self.diffLine(change))
        }
        for warning in self.warnings { lines.append("warning: \(warning)") }
        lines += self.errorLines()
        return lines.joined(separator: "\n")
    }

    /// One summary line per stage: `definitions: synced 42, upserted 2, ...`, or
    /// `event_types: not requested` for a stage this sync did not run.
    public func stageLines() -> [String] {
        let suffix = self.dryRun ? " (dry run)" : ""
        func documents(_ stage: SyncStage, _ counts: Counts?) -> String {
            guard let counts else { return "\(stage): not requested" }
            return
                "\(stage): synced \(counts.synced), upserted \(counts.upserted), unchanged \(counts.unchanged), retired \(counts.retired), invalid \(counts.invalid)\(suffix)"
        }
        var lines = [documents(.definitions, self.definitions), documents(.eventTypes, self.eventTypes)]
        if let counts = self.schedules {
            lines.append(
                "schedules: created \(counts.created), updated \(counts.updated), unchanged \(counts.unchanged), paused \(counts.paused), unpaused \(counts.unpaused), deleted orphans \(counts.deletedOrphans), drifted \(counts.drifted), corrected \(counts.corrected)\(suffix)"
            )
        } else {
            lines.append("schedules: not requested")
        }
        return lines
    }

    /// `error: [definitions] examples/x.yaml:3:5: ...` (a file's errors name file and line).
    func errorLines() -> [String] {
        var lines = self.errors.map { "error: [\($0.stage)] \($0.message)" }
        if self.errorsTruncated > 0 { lines.append("error: \(self.errorsTruncated) more errors not shown") }
        return lines
    }

    /// `+ create activity-schedule-x (paused)`; `! drift activity-schedule-x: spec`.
    static func diffLine(_ change: Change) -> String {
        if change.action == "correct" {
            return Self.driftLine(change.item, fields: change.fields ?? [])
        }
        return
            "\(Self.symbol(change.action)) \(change.action) \(change.stage == .schedules ? "" : change.stage.rawValue + " ")\(change.item)"
            + (change.paused == true ? " (paused)" : "")
    }

    static func driftLine(_ id: String, fields: [String]) -> String {
        "! drift \(id): \(fields.joined(separator: ", "))"
    }

    /// Drifted schedules no `correct` change stands for (`ACTIVITY_DRIFT=report`).
    public var uncorrectedDrift: [String: [String]] {
        let corrected = Set(self.changes.filter { $0.action == "correct" }.map(\.item))
        return self.drift.filter { !corrected.contains($0.key) }
    }

    /// `plan`'s diff: every change and every unchanged item, then drift left as it is,
    /// warnings and errors. (`plan` prints `stageLines()` after it.)
    public func diff() -> String {
        var lines = (self.changes + self.unchanged).map(Self.diffLine)
        for (id, fields) in self.uncorrectedDrift.sorted(by: { $0.key < $1.key }) {
            lines.append(Self.driftLine(id, fields: fields))
        }
        for warning in self.warnings { lines.append("warning: \(warning)") }
        lines += self.errorLines()
        return lines.joined(separator: "\n")
    }

    static func symbol(_ action: String) -> String {
        switch action {
        case "create", "revive": "+"
        case "update": "~"
        case "retire", "delete": "-"
        case "pause": "||"
        case "unpause": ">"
        default: "="
        }
    }
}
