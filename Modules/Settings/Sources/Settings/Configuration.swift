import AdminAPI
import Definitions
import NATS
import Outbound
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
    public var databaseSchema: String = "public"
    public var temporalAddress: String = "127.0.0.1:7233"
    public var temporalNamespace: String = "default"
    public var temporalTLSCertPath: String?
    public var temporalTLSKeyPath: String?
    public var temporalTLSCAPath: String?
    public var temporalAPIKey: String?
    public var natsURLs: [String] = ["nats://127.0.0.1:4222"]
    /// `NATS_TLS_CA`, `NATS_TLS_CERT`, `NATS_TLS_KEY` (PEM files; not in the contract): any of
    /// them makes TLS required of every NATS server.
    public var natsTLSCAPath: String?
    public var natsTLSCertPath: String?
    public var natsTLSKeyPath: String?
    /// `NATS_PING_INTERVAL_SECONDS`: how often the NATS connection is checked; two unanswered
    /// PINGs make it stale and it is replaced.
    public var natsPingIntervalSeconds: Int = 20
    /// `NATS_NO_RANDOMIZE`: try the NATS servers in the given order instead of a random one.
    public var natsNoRandomize: Bool = false
    /// `NATS_CREDS` (a `.creds` file: user JWT and NKEY seed) or `NATS_NKEY_SEED` (a file
    /// holding an NKEY seed); at most one.
    public var natsCredentials: NATSCredentials?
    public var definitionRoots: [String] = ["./definitions"]
    /// `ACTIVITY_MAX_FILE_BYTES`: larger definition files are an error of that file.
    public var maxFileBytes: Int = DefinitionLimits.defaultMaxFileBytes
    public var taskQueue: String = "orchestrator-tq"
    public var schedulePrefix: String = "activity-schedule-"
    public var orphanSchedules: OrphanPolicy = .delete
    /// `ACTIVITY_DRIFT`: what a sync does with an owned schedule changed behind its back.
    public var drift: DriftPolicy = .correct
    public var eventSubjects: [String] = ["activity.>", "org.>"]
    public var eventStream: String = "ACTIVITY_EVENTS"
    public var eventConsumer: String = "activity-core-router"
    /// `ACTIVITY_EVENT_MAX_DELIVER`: deliveries of one event before it is dead-lettered.
    public var eventMaxDeliver: Int = 10
    /// `ACTIVITY_EVENT_MAX_AGE_SECONDS`: `max_age` of a stream the worker creates.
    public var eventMaxAgeSeconds: Int = 604_800
    /// `ACTIVITY_EVENT_MAX_BYTES`: `max_bytes` of a stream the worker creates.
    public var eventMaxBytes: Int64 = 1_073_741_824
    /// `ACTIVITY_EVENT_REPLICAS`: `num_replicas` of a stream the worker creates.
    public var eventReplicas: Int = 1
    public var httpHost: String = "127.0.0.1"
    public var httpPort: Int = 8010
    /// `ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS`: a new connection's header deadline.
    public var httpHeaderTimeoutSeconds: Int = 10
    /// `ACTIVITY_HTTP_IDLE_TIMEOUT_SECONDS`: an idle connection's deadline.
    public var httpIdleTimeoutSeconds: Int = 60
    /// `ACTIVITY_HTTP_MAX_CONNECTIONS`: connections the HTTP server holds at once.
    public var httpMaxConnections: Int = 512
    /// `ACTIVITY_HTTP_TLS_CERT` and `ACTIVITY_HTTP_TLS_KEY`: PEM files; both set, the HTTP
    /// server serves HTTPS only.
    public var httpTLSCertificatePath: String?
    public var httpTLSKeyPath: String?
    /// `ACTIVITY_HTTP_ALLOW`: the internal targets http actions may reach (none by default).
    public var outboundPolicy = OutboundPolicy()
    /// `ACTIVITY_SECRETS_DIR`: the folder `${secret:NAME}` header values are read from.
    public var secretsDirectory: String?
    public var adminToken: String?
    /// `ACTIVITY_ADMIN_TOKEN_FILE`: admin tokens, one a line (`name:token`), read again on change.
    public var adminTokenFile: String?
    /// `ACTIVITY_READ_TOKEN`: a token that may only `GET`.
    public var readToken: String?
    /// `ACTIVITY_READ_TOKEN_FILE`: read tokens, as `ACTIVITY_ADMIN_TOKEN_FILE`.
    public var readTokenFile: String?
    public var syncOnStartup: Bool = true
    public var syncIntervalSeconds: Int = 0
    public var defaultActionURL: String?
    public var logLevel: String = "info"
    public var logFormat: LogFormat = .text
    /// How long a stopping worker waits for the activities in hand
    /// (`ACTIVITY_SHUTDOWN_GRACE_SECONDS`, not in the contract).
    public var shutdownGraceSeconds: Int = 30
    /// `ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS` (not in the contract): every PostgreSQL
    /// statement's deadline; 0 = the server's own setting.
    public var databaseStatementTimeoutSeconds: Int {
        get { self.databaseURL.statementTimeoutSeconds ?? 0 }
        set { self.databaseURL.statementTimeoutSeconds = newValue > 0 ? newValue : nil }
    }
    /// `ACTIVITY_TEMPORAL_TIMEOUT_SECONDS` (not in the contract): the deadline of one attempt
    /// of a schedule call made by a sync.
    public var temporalTimeoutSeconds: Int = 30

    /// `ACTIVITY_RUN_RECONCILE_SECONDS`: how often `running` runs whose workflow closed without
    /// recording their end are finished.
    public var runReconcileSeconds: Int = 60
    /// `ACTIVITY_MAX_CONCURRENT_ACTIONS`: actions one worker runs at once.
    public var maxConcurrentActions: Int = 100
    /// `ACTIVITY_MAX_CONCURRENT_WORKFLOW_TASKS`: workflow tasks one worker handles at once; also
    /// the slots of the bookkeeping activities (recording a run's start and end).
    public var maxConcurrentWorkflowTasks: Int = 50
    /// `ACTIVITY_FILE_READ_TIMEOUT_SECONDS` (not in the contract): how long reading a
    /// definitions root may stay at one path (a folder listing, a file's open or read) before
    /// the root is given up.
    public var fileReadTimeoutSeconds: Int = 30

    /// Where the admin API's tokens come from, admin ones first.
    public var adminTokenSources: [AdminTokenSet.Source] {
        var sources: [AdminTokenSet.Source] = []
        if let token = self.adminToken {
            sources.append(.literal(AdminToken(name: "ACTIVITY_ADMIN_TOKEN", secret: token, role: .admin)))
        }
        if let path = self.adminTokenFile { sources.append(.file(path: path, role: .admin)) }
        if let token = self.readToken {
            sources.append(.literal(AdminToken(name: "ACTIVITY_READ_TOKEN", secret: token, role: .read)))
        }
        if let path = self.readTokenFile { sources.append(.file(path: path, role: .read)) }
        return sources
    }

    /// What the loader accepts per file.
    public var definitionLimits: DefinitionLimits {
        DefinitionLimits(
            maxFileBytes: self.maxFileBytes, readTimeout: .seconds(self.fileReadTimeoutSeconds),
            outboundPolicy: self.outboundPolicy)
    }

    /// How often the router checks the store generations even without a notification
    /// (`ACTIVITY_ROUTER_REFRESH_SECONDS`, not in the contract).
    public var routerRefreshSeconds: Int = 30

    /// The contract's defaults.
    public init() {
        // The default URL is a constant that parses; a failure here is a programming error.
        guard let url = try? DatabaseURL("postgres://activity:activity@127.0.0.1:5432/activity_core") else {
            preconditionFailure("the built-in default DATABASE_URL must parse")
        }
        self.databaseURL = url
        self.databaseURL.statementTimeoutSeconds = 30
    }
}
