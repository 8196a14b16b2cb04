import Definitions
import Postgres
import Schedules

/// Everything activity-core reads from its environment (CONTRACT section 2), with the
/// contract's defaults. Reading the environment lives in `Configuration+Environment.swift`.
public struct Configuration: Sendable {
    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    public var databaseURL: DatabaseURL
    /// The PostgreSQL schema holding activity-core's tables (`ACTIVITY_DB_SCHEMA`).
    public var databaseSchema: String
    public var temporalAddress: String
    public var temporalNamespace: String
    public var temporalTLSCertPath: String?
    public var temporalTLSKeyPath: String?
    public var temporalTLSCAPath: String?
    public var temporalAPIKey: String?
    public var natsURLs: [String]
    /// `NATS_TLS_CA`, `NATS_TLS_CERT`, `NATS_TLS_KEY` (PEM files; not in the contract): any of
    /// them makes TLS required of every NATS server.
    public var natsTLSCAPath: String?
    public var natsTLSCertPath: String?
    public var natsTLSKeyPath: String?
    public var definitionRoots: [String]
    /// `ACTIVITY_MAX_FILE_BYTES`: larger definition files are an error of that file.
    public var maxFileBytes: Int
    public var taskQueue: String
    public var schedulePrefix: String
    public var orphanSchedules: OrphanPolicy
    /// `ACTIVITY_DRIFT`: what a sync does with an owned schedule changed behind its back.
    public var drift: DriftPolicy
    public var eventSubjects: [String]
    public var eventStream: String
    public var eventConsumer: String
    /// `ACTIVITY_EVENT_MAX_DELIVER`: deliveries of one event before it is dead-lettered.
    public var eventMaxDeliver: Int
    /// `ACTIVITY_EVENT_MAX_AGE_SECONDS`: `max_age` of a stream the worker creates.
    public var eventMaxAgeSeconds: Int
    /// `ACTIVITY_EVENT_MAX_BYTES`: `max_bytes` of a stream the worker creates.
    public var eventMaxBytes: Int64
    public var httpHost: String
    public var httpPort: Int
    public var adminToken: String?
    public var syncOnStartup: Bool
    public var syncIntervalSeconds: Int
    public var defaultActionURL: String?
    public var logLevel: String
    public var logFormat: LogFormat
    /// How long a stopping worker waits for the activities in hand
    /// (`ACTIVITY_SHUTDOWN_GRACE_SECONDS`, not in the contract).
    public var shutdownGraceSeconds: Int
    /// `ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS` (not in the contract): every PostgreSQL
    /// statement's deadline; 0 = the server's own setting.
    public var databaseStatementTimeoutSeconds: Int {
        get { self.databaseURL.statementTimeoutSeconds ?? 0 }
        set { self.databaseURL.statementTimeoutSeconds = newValue > 0 ? newValue : nil }
    }
    /// `ACTIVITY_TEMPORAL_TIMEOUT_SECONDS` (not in the contract): the deadline of one attempt
    /// of a schedule call made by a sync.
    public var temporalTimeoutSeconds: Int

    /// `ACTIVITY_FILE_READ_TIMEOUT_SECONDS` (not in the contract): how long reading a
    /// definitions root may stay at one path (a folder listing, a file's open or read) before
    /// the root is given up.
    public var fileReadTimeoutSeconds: Int

    /// What the loader accepts per file.
    public var definitionLimits: DefinitionLimits {
        DefinitionLimits(maxFileBytes: self.maxFileBytes, readTimeout: .seconds(self.fileReadTimeoutSeconds))
    }

    /// How often the router checks the store generations even without a notification
    /// (`ACTIVITY_ROUTER_REFRESH_SECONDS`, not in the contract).
    public var routerRefreshSeconds: Int

    /// The contract's defaults.
    public init() {
        // The default URL is a constant that parses; a failure here is a programming error.
        guard let url = try? DatabaseURL("postgres://activity:activity@127.0.0.1:5432/activity_core") else {
            preconditionFailure("the built-in default DATABASE_URL must parse")
        }
        self.databaseURL = url
        self.databaseURL.statementTimeoutSeconds = 30
        self.temporalTimeoutSeconds = 30
        self.databaseSchema = "public"
        self.temporalAddress = "127.0.0.1:7233"
        self.temporalNamespace = "default"
        self.natsURLs = ["nats://127.0.0.1:4222"]
        self.definitionRoots = ["./definitions"]
        self.maxFileBytes = DefinitionLimits.defaultMaxFileBytes
        self.fileReadTimeoutSeconds = 30
        self.taskQueue = "orchestrator-tq"
        self.schedulePrefix = "activity-schedule-"
        self.orphanSchedules = .delete
        self.drift = .correct
        self.eventSubjects = ["activity.>", "org.>"]
        self.eventStream = "ACTIVITY_EVENTS"
        self.eventConsumer = "activity-core-router"
        self.eventMaxDeliver = 10
        self.eventMaxAgeSeconds = 604_800
        self.eventMaxBytes = 1_073_741_824
        self.httpHost = "127.0.0.1"
        self.httpPort = 8010
        self.syncOnStartup = true
        self.syncIntervalSeconds = 0
        self.logLevel = "info"
        self.logFormat = .text
        self.shutdownGraceSeconds = 30
        self.routerRefreshSeconds = 30
    }
}
