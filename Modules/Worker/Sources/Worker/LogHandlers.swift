import Foundation
import Logging
import Settings

/// Builds the process's loggers from `LOG_LEVEL` and `LOG_FORMAT` without touching the
/// global logging system, so tests can build their own.
public struct LoggerFactory: Sendable {
    public var level: Logger.Level
    public var format: Configuration.LogFormat

    public init(level: String, format: Configuration.LogFormat) {
        self.level = Logger.Level(rawValue: level) ?? .info
        self.format = format
    }

    public func logger(label: String = "activity-core") -> Logger {
        let format = self.format
        var logger = Logger(label: label) { label in
            switch format {
            case .json: JSONLogHandler(label: label)
            case .text: StreamLogHandler.standardError(label: label)
            }
        }
        logger.logLevel = self.level
        return logger
    }
}

/// One JSON object per line on standard error: `ts`, `level`, `label`, `message`, metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = [
            "ts": Date().formatted(.iso8601),
            "level": event.level.rawValue,
            "label": self.label,
            "message": "\(event.message)",
        ]
        for (key, value) in self.metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = "\(value)"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(object) else { return }
        line.append(UInt8(ascii: "\n"))
        FileHandle.standardError.write(line)
    }
}
