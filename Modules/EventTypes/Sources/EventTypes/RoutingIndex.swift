import Definitions
import Foundation
import Runs

/// Which definitions an event starts, built once from the stored definitions and event
/// types and consulted for every message without touching the database.
public struct RoutingIndex: Sendable {
    public static let runCompletedType = "org.activity.run.completed"

    /// A workflow start the router makes for one event.
    public struct Start: Sendable, Hashable {
        public var activityID: String
        /// `activity-<id>:<event id>` (a long or odd event ID as its digest, `EventID`):
        /// redelivery of the same event cannot run it twice.
        public var workflowID: String
        /// `{"activity_id", "trigger": "event", "event": <envelope>}`.
        public var input: JSONValue
    }

    /// What the router does with one message.
    public enum Decision: Sendable, Hashable {
        /// Start these workflows (possibly none: a known type no definition matched).
        case start([Start])
        /// The event type is unknown or disabled.
        case unmatched(String)
    }

    /// Enabled event types by ID.
    let eventTypes: [String: EventTypeDefinition]
    /// Enabled event type IDs by their literal `subject` (the lowest ID when several share one).
    let typesBySubject: [String: String]
    /// Enabled event types with a wildcard `subject`, the most specific pattern first.
    let wildcardTypes: [(pattern: String, type: String)]
    /// Enabled, non-retired event definitions by event type.
    let definitionsByType: [String: [ActivityDefinition]]
    /// Subjects named by more than one enabled event type (a sync error; the lowest ID routes).
    public let sharedSubjects: [String: [String]]

    public init(definitions: [StoredRecord<ActivityDefinition>], eventTypes: [StoredRecord<EventTypeDefinition>]) {
        var types: [String: EventTypeDefinition] = [:]
        var bySubject: [String: [String]] = [:]
        for record in eventTypes where !record.isRetired && record.document.enabled {
            types[record.id] = record.document
            if let subject = record.document.subject { bySubject[subject, default: []].append(record.id) }
        }
        var byType: [String: [ActivityDefinition]] = [:]
        for record in definitions where !record.isRetired && record.document.enabled {
            if case .event(let trigger) = record.document.trigger {
                byType[trigger.eventType, default: []].append(record.document)
            }
        }
        self.eventTypes = types
        let owners = bySubject.mapValues { $0.sorted() }
        self.sharedSubjects = owners.filter { $0.value.count > 1 }
        var literal: [String: String] = [:]
        var wildcard: [(pattern: String, type: String)] = []
        for (subject, ids) in owners {
            let tokens = SubjectPattern.tokens(subject)
            if tokens.contains("*") || tokens.contains(">") {
                wildcard.append((subject, ids[0]))
            } else {
                literal[subject] = ids[0]
            }
        }
        self.typesBySubject = literal
        self.wildcardTypes = wildcard.sorted { SubjectPattern.moreSpecific($0.pattern, than: $1.pattern) }
        self.definitionsByType = byType.mapValues { $0.sorted { $0.id < $1.id } }
    }

    /// Every subject the stream must carry besides the configured ones.
    public var subjects: [String] { (Array(self.typesBySubject.keys) + self.wildcardTypes.map(\.pattern)).sorted() }

    public var definitionCount: Int { self.definitionsByType.values.reduce(0) { $0 + $1.count } }

    /// The enabled event type whose subject matches `subject`: a literal one, else the most
    /// specific wildcard pattern.
    public func eventType(forSubject subject: String) -> String? {
        if let type = self.typesBySubject[subject] { return type }
        guard !self.wildcardTypes.isEmpty else { return nil }
        let tokens = SubjectPattern.tokens(subject)
        return self.wildcardTypes.first { SubjectPattern.matches(SubjectPattern.tokens($0.pattern), tokens) }?.type
    }

    /// Routes one event that arrived on `subject`.
    public func route(_ envelope: EventEnvelope, subject: String) -> Decision {
        guard let type = envelope.type ?? self.eventType(forSubject: subject) else {
            return .unmatched("no event type: the envelope has no type and no event type's subject matches \(subject)")
        }
        guard self.eventTypes[type] != nil else {
            return .unmatched("event type \(type) is unknown or disabled")
        }
        let ownRun = type == Self.runCompletedType ? envelope.body["attributes"]?["activity_id"]?.stringValue : nil
        var event = envelope.body
        if case .object(var members) = event, members["id"] == nil || members["id"] == .null {
            members["id"] = .string(envelope.id)
            event = .object(members)
        }
        let starts = (self.definitionsByType[type] ?? []).filter { definition in
            // No self-loops: a definition never fires for the completion of its own runs.
            guard definition.id != ownRun else { return false }
            guard case .event(let trigger) = definition.trigger else { return false }
            return EventFilter.matches(trigger.filters, envelope: envelope.body)
        }.map { definition in
            Start(
                activityID: definition.id,
                workflowID: RunContract.eventWorkflowID(
                    activityID: definition.id, eventPart: EventID.workflowPart(envelope.id)),
                input: RunInput(activityID: definition.id, trigger: "event", event: event).json
            )
        }
        return .start(starts)
    }
}
