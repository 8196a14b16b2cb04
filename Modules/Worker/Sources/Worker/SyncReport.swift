import Definitions
import Foundation

/// The result of one sync run in the contract's JSON shape (CONTRACT section 7): what the
/// CLI prints with `--json` and, later, what `POST /admin/sync` answers.
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

    public struct Change: Sendable, Encodable, Hashable {
        public var stage: String
        public var item: String
        public var action: String
    }

    public struct Problem: Sendable, Encodable, Hashable {
        public var stage: String
        public var item: String
        public var message: String
    }

    public var ok: Bool { self.errors.isEmpty && self.errorsTruncated == 0 }
    public var dryRun: Bool
    public var startedAt: Date
    public var durationMilliseconds: Int
    public var definitions: Counts?
    public var eventTypes: Counts?
    /// Comes with the schedules stage.
    public var schedules: [String: Int]?
    public private(set) var changes: [Change] = []
    public private(set) var errors: [Problem] = []
    public private(set) var errorsTruncated = 0
    public var warnings: [String] = []

    public init(dryRun: Bool, startedAt: Date) {
        self.dryRun = dryRun
        self.startedAt = startedAt
        self.durationMilliseconds = 0
    }

    public mutating func addChange(stage: String, item: String, action: String) {
        guard self.changes.count < Self.maxChanges else { return }
        self.changes.append(Change(stage: stage, item: item, action: action))
    }

    public mutating func addError(stage: String, item: String, message: String) {
        guard self.errors.count < Self.maxErrors else {
            self.errorsTruncated += 1
            return
        }
        self.errors.append(Problem(stage: stage, item: item, message: message))
    }

    /// Adds one document kind's outcome under `stage`.
    public mutating func add(_ report: DocumentSyncReport, stage: String) {
        for change in report.changes {
            self.addChange(stage: stage, item: change.id, action: change.action.rawValue)
        }
        for issue in report.issues {
            self.addError(stage: stage, item: issue.location.path, message: issue.description)
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
        var lines: [String] = []
        if let counts = self.definitions {
            lines.append(
                "definitions: synced \(counts.synced), upserted \(counts.upserted), unchanged \(counts.unchanged), retired \(counts.retired), invalid \(counts.invalid)\(self.dryRun ? " (dry run)" : "")"
            )
        }
        for change in self.changes {
            lines.append("\(Self.symbol(change.action)) \(change.action) \(change.item)")
        }
        for warning in self.warnings { lines.append("warning: \(warning)") }
        for error in self.errors { lines.append("error: [\(error.stage)] \(error.message)") }
        if self.errorsTruncated > 0 { lines.append("error: \(self.errorsTruncated) more errors not shown") }
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
