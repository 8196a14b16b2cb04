import Foundation
import Yams

/// Reads and strictly validates a definition's `trigger` mapping.
enum TriggerDecoder {
    static let cronKeys = [
        "type", "cron_expression", "timezone", "misfire_policy", "jitter_seconds", "catchup_window_seconds",
    ]
    static let eventKeys = ["type", "event_type", "filters"]

    /// The IANA tz database's names (zones and links, `Etc/GMT-14` and `US/Pacific` included).
    static let knownZones: Set<String> = TimeZoneNames.all

    static func decode(_ node: Node, context: inout DocumentContext) -> Trigger? {
        let reader = MappingReader(scope: "trigger", node: node, context: &context)
        guard let type = reader.string("type", required: true, context: &context) else {
            reader.refuseUnknownKeys(allowed: Array(Set(Self.cronKeys + Self.eventKeys)).sorted(), context: &context)
            return nil
        }
        switch type {
        case "cron":
            reader.refuseUnknownKeys(allowed: Self.cronKeys, context: &context, hint: " for a cron trigger")
            return Self.cron(reader, context: &context).map(Trigger.cron)
        case "event":
            reader.refuseUnknownKeys(allowed: Self.eventKeys, context: &context, hint: " for an event trigger")
            return Self.event(reader, context: &context).map(Trigger.event)
        default:
            context.report(
                .invalidValue, at: reader.value("type"), "'trigger.type' must be cron or event, got \"\(type)\"")
            return nil
        }
    }

    private static func cron(_ reader: MappingReader, context: inout DocumentContext) -> CronTrigger? {
        let before = context.issues.count
        var expression: String?
        if let text = reader.string("cron_expression", required: true, context: &context) {
            do {
                expression = try CronExpression(text).text
            } catch {
                context.report(
                    .invalidValue, at: reader.value("cron_expression"),
                    "invalid cron expression \"\(text)\": \(error.message)")
            }
        }
        var timezone = "UTC"
        if let zone = reader.string("timezone", context: &context) {
            if Self.knownZones.contains(zone) {
                timezone = zone
            } else {
                context.report(
                    .invalidValue, at: reader.value("timezone"),
                    "unknown IANA time zone \"\(zone)\" (names of the tz database \(TimeZoneNames.version), for example UTC, Europe/Berlin, America/New_York)"
                )
            }
        }
        var policy = MisfirePolicy.skip
        if let name = reader.string("misfire_policy", context: &context) {
            if let parsed = MisfirePolicy(name: name) {
                policy = parsed
            } else {
                context.report(
                    .invalidValue, at: reader.value("misfire_policy"),
                    "'trigger.misfire_policy' must be skip, catchup_all (catchup) or catchup_latest (compress), got \"\(name)\""
                )
            }
        }
        let jitter =
            reader.integer("jitter_seconds", in: ValueRanges.jitterSeconds, unit: " of seconds", context: &context) ?? 0
        let window = reader.integer(
            "catchup_window_seconds", in: ValueRanges.catchupWindowSeconds,
            unit: " of seconds (Temporal's minimum is 10)", context: &context)
        guard context.issues.count == before, let expression else { return nil }
        return CronTrigger(
            cronExpression: expression,
            timezone: timezone,
            misfirePolicy: policy,
            jitterSeconds: jitter,
            catchupWindowSeconds: window
        )
    }

    private static func event(_ reader: MappingReader, context: inout DocumentContext) -> EventTrigger? {
        let before = context.issues.count
        let eventType = reader.string("event_type", required: true, context: &context)
        if let eventType, !Identifier.isValid(eventType) {
            context.report(
                .invalidValue, at: reader.value("event_type"),
                "'trigger.event_type' \"\(eventType)\" is not a valid event type id")
        }
        var filters: [String: JSONValue] = [:]
        if let node = reader.mapping("filters", context: &context), let mapping = node.mapping {
            for (key, value) in mapping {
                guard let path = key.scalar?.string, !path.isEmpty,
                    !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
                else {
                    context.report(
                        .invalidValue, at: key, "'trigger.filters' keys must be dotted paths such as attributes.repo")
                    continue
                }
                filters[path] = JSONValue(yaml: value)
            }
        }
        guard context.issues.count == before, let eventType else { return nil }
        return EventTrigger(eventType: eventType, filters: filters)
    }
}
