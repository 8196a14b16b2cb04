import AdminAPI
import Foundation
import NATS
import Outbound
import Postgres
import Schedules

extension Configuration {
    /// Reads the contract's variables (and their aliases) from `environment`.
    public init(environment: [String: String]) throws(ConfigurationError) {
        self.init()
        var reader = EnvironmentReader(environment)
        if let (name, value) = reader.first("DATABASE_URL", "ACTCORE_DB_URL") {
            do {
                let timeout = self.databaseURL.statementTimeoutSeconds
                self.databaseURL = try DatabaseURL(value)
                self.databaseURL.statementTimeoutSeconds = timeout
            } catch {
                throw ConfigurationError(variable: name, error.message)
            }
        }
        try reader.set(
            &self.databaseStatementTimeoutSeconds, "ACTIVITY_DB_STATEMENT_TIMEOUT_SECONDS", 0...86_400,
            "expected 0 (the server's setting) or seconds up to 86400")
        try reader.set(&self.temporalTimeoutSeconds, "ACTIVITY_TEMPORAL_TIMEOUT_SECONDS", seconds: 1...3_600)
        if let (name, value) = reader.first("ACTIVITY_DB_SCHEMA") {
            guard value.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                throw ConfigurationError(
                    variable: name, "expected a lower-case identifier such as public or activity_core")
            }
            self.databaseSchema = value
        }
        if let (_, value) = reader.first("TEMPORAL_ADDRESS", "TEMPORAL_HOST") { self.temporalAddress = value }
        try Self.checkHostPort(self.temporalAddress, variable: reader.lastName ?? "TEMPORAL_ADDRESS")
        if let (name, value) = reader.first("TEMPORAL_NAMESPACE") {
            // What the Temporal server takes (1 to 1000 bytes of UTF-8); whitespace and control
            // characters are refused here too (no namespace has them; a stray one is a typo).
            guard value.utf8.count <= 1_000,
                !value.unicodeScalars.contains(where: {
                    $0.properties.isWhitespace || $0.properties.generalCategory == .control
                })
            else {
                throw ConfigurationError(
                    variable: name,
                    "expected a Temporal namespace: at most 1000 bytes, no whitespace or control characters")
            }
            self.temporalNamespace = value
        }
        self.temporalTLSCertPath = reader.first("TEMPORAL_TLS_CERT")?.1
        self.temporalTLSKeyPath = reader.first("TEMPORAL_TLS_KEY")?.1
        self.temporalTLSCAPath = reader.first("TEMPORAL_TLS_CA")?.1
        self.temporalAPIKey = reader.first("TEMPORAL_API_KEY")?.1
        if (self.temporalTLSCertPath == nil) != (self.temporalTLSKeyPath == nil) {
            throw ConfigurationError(
                variable: "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS)")
        }
        if let (name, value) = reader.first("NATS_URL") {
            let urls = Self.list(value)
            guard !urls.isEmpty,
                urls.allSatisfy({ $0.hasPrefix("nats://") || $0.hasPrefix("tls://") || !$0.contains("://") })
            else {
                throw ConfigurationError(
                    variable: name, "expected comma-separated nats://[user:pass@|token@]host:port servers")
            }
            self.natsURLs = urls
        }
        self.natsTLSCAPath = reader.first("NATS_TLS_CA")?.1
        self.natsTLSCertPath = reader.first("NATS_TLS_CERT")?.1
        self.natsTLSKeyPath = reader.first("NATS_TLS_KEY")?.1
        if (self.natsTLSCertPath == nil) != (self.natsTLSKeyPath == nil) {
            throw ConfigurationError(
                variable: "NATS_TLS_CERT", "NATS_TLS_CERT and NATS_TLS_KEY must be set together (mutual TLS)")
        }
        try reader.set(&self.natsPingIntervalSeconds, "NATS_PING_INTERVAL_SECONDS", seconds: 1...3_600)
        switch (reader.first("NATS_CREDS")?.1, reader.first("NATS_NKEY_SEED")?.1) {
        case (.some, .some):
            throw ConfigurationError(variable: "NATS_CREDS", "NATS_CREDS and NATS_NKEY_SEED are both set: set one")
        case (.some(let path), nil): self.natsCredentials = .creds(path: path)
        case (nil, .some(let path)): self.natsCredentials = .nkeySeed(path: path)
        case (nil, nil): self.natsCredentials = nil
        }
        try reader.set(
            &self.eventReplicas, "ACTIVITY_EVENT_REPLICAS", 1...5, "expected a number of replicas from 1 to 5")
        if let (name, value) = reader.first("NATS_NO_RANDOMIZE") {
            self.natsNoRandomize = try Self.bool(value, variable: name)
        }
        if let (name, value) = reader.first("ACTIVITY_DEFINITION_DIRS") {
            let roots = value.split(whereSeparator: { $0 == ":" || $0 == "," }).map(String.init).filter { !$0.isEmpty }
            guard !roots.isEmpty else {
                throw ConfigurationError(variable: name, "expected one or more folders separated by : or ,")
            }
            self.definitionRoots = roots
        }
        try reader.set(
            &self.maxFileBytes, "ACTIVITY_MAX_FILE_BYTES", 1_024...1_073_741_824,
            "expected a number of bytes from 1024 to 1073741824")
        try reader.set(&self.fileReadTimeoutSeconds, "ACTIVITY_FILE_READ_TIMEOUT_SECONDS", seconds: 1...3_600)
        try reader.set(&self.runReconcileSeconds, "ACTIVITY_RUN_RECONCILE_SECONDS", seconds: 1...86_400)
        try reader.set(
            &self.maxConcurrentActions, "ACTIVITY_MAX_CONCURRENT_ACTIONS", 1...10_000,
            "expected a number from 1 to 10000")
        try reader.set(
            &self.maxConcurrentWorkflowTasks, "ACTIVITY_MAX_CONCURRENT_WORKFLOW_TASKS", 1...10_000,
            "expected a number from 1 to 10000")
        if let (name, value) = reader.first("ACTIVITY_TASK_QUEUE") {
            guard !value.isEmpty else { throw ConfigurationError(variable: name, "expected a task queue name") }
            self.taskQueue = value
        }
        if let (name, value) = reader.first("ACTIVITY_SCHEDULE_PREFIX") {
            guard !value.isEmpty else {
                throw ConfigurationError(
                    variable: name, "expected a non-empty prefix (every schedule with it belongs to activity-core)")
            }
            self.schedulePrefix = value
        }
        if let (name, value) = reader.first("ACTIVITY_ORPHAN_SCHEDULES") {
            guard let policy = OrphanPolicy(rawValue: value) else {
                throw ConfigurationError(variable: name, "expected delete or pause")
            }
            self.orphanSchedules = policy
        }
        if let (name, value) = reader.first("ACTIVITY_DRIFT") {
            guard let policy = DriftPolicy(rawValue: value) else {
                throw ConfigurationError(variable: name, "expected correct or report")
            }
            self.drift = policy
        }
        if let (name, value) = reader.first("ACTIVITY_EVENT_SUBJECTS") {
            let subjects = Self.list(value)
            guard !subjects.isEmpty else {
                throw ConfigurationError(variable: name, "expected comma-separated NATS subjects")
            }
            for subject in subjects {
                if let problem = NATSNames.subjectProblem(subject) {
                    throw ConfigurationError(variable: name, "\"\(subject)\" is not a NATS subject: \(problem)")
                }
            }
            self.eventSubjects = subjects
        }
        // Set but empty means core NATS (contract), unlike the other variables.
        if let value = environment["ACTIVITY_EVENT_STREAM"] {
            let stream = value.trimmingCharacters(in: .whitespaces)
            if !stream.isEmpty, let problem = NATSNames.nameProblem(stream) {
                throw ConfigurationError(
                    variable: "ACTIVITY_EVENT_STREAM", "\"\(stream)\" is not a JetStream stream name: \(problem)")
            }
            self.eventStream = stream
        }
        if let (name, value) = reader.first("ACTIVITY_EVENT_CONSUMER") {
            guard !value.isEmpty else { throw ConfigurationError(variable: name, "expected a durable consumer name") }
            if let problem = NATSNames.nameProblem(value) {
                throw ConfigurationError(variable: name, "\"\(value)\" is not a JetStream consumer name: \(problem)")
            }
            self.eventConsumer = value
        }
        try reader.set(
            &self.eventMaxDeliver, "ACTIVITY_EVENT_MAX_DELIVER", 1...1_000,
            "expected a number of deliveries from 1 to 1000")
        // Nanoseconds on the wire: 100 years fit an Int64 easily.
        try reader.set(
            &self.eventMaxAgeSeconds, "ACTIVITY_EVENT_MAX_AGE_SECONDS", 1...3_153_600_000,
            "expected a number of seconds from 1 to 3153600000 (100 years)")
        if let (name, value) = reader.first("ACTIVITY_EVENT_MAX_BYTES") {
            guard let bytes = Int64(value), bytes >= 1_048_576 else {
                throw ConfigurationError(variable: name, "expected a number of bytes of at least 1048576 (1 MiB)")
            }
            self.eventMaxBytes = bytes
        }
        if let (_, value) = reader.first("ACTIVITY_HTTP_HOST") { self.httpHost = value }
        try reader.set(&self.httpPort, "ACTIVITY_HTTP_PORT", 0...65535, "expected a port from 0 to 65535")
        try reader.set(&self.httpHeaderTimeoutSeconds, "ACTIVITY_HTTP_HEADER_TIMEOUT_SECONDS", seconds: 1...3600)
        try reader.set(&self.httpIdleTimeoutSeconds, "ACTIVITY_HTTP_IDLE_TIMEOUT_SECONDS", seconds: 1...86400)
        try reader.set(
            &self.httpMaxConnections, "ACTIVITY_HTTP_MAX_CONNECTIONS", 1...1_000_000,
            "expected a number of connections from 1 to 1000000")
        let certificate = reader.first("ACTIVITY_HTTP_TLS_CERT").flatMap { $0.1.isEmpty ? nil : $0 }
        let key = reader.first("ACTIVITY_HTTP_TLS_KEY").flatMap { $0.1.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (nil, nil):
            break
        case (.some(let (name, _)), nil), (nil, .some(let (name, _))):
            throw ConfigurationError(
                variable: name, "ACTIVITY_HTTP_TLS_CERT and ACTIVITY_HTTP_TLS_KEY are set together or not at all")
        case (.some(let (certificateName, certificatePath)), .some(let (keyName, keyPath))):
            for (name, path) in [(certificateName, certificatePath), (keyName, keyPath)]
            where !FileManager.default.isReadableFile(atPath: path) {
                throw ConfigurationError(variable: name, "cannot read the PEM file \(path)")
            }
            (self.httpTLSCertificatePath, self.httpTLSKeyPath) = (certificatePath, keyPath)
        }
        if let (name, value) = reader.first("ACTIVITY_HTTP_ALLOW") {
            do {
                self.outboundPolicy = try OutboundPolicy(parsing: value)
            } catch {
                throw ConfigurationError(variable: name, error.description)
            }
        }
        if let (name, value) = reader.first("ACTIVITY_SECRETS_DIR"), !value.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: value, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError(variable: name, "\(value) is not a folder (one file per secret)")
            }
            self.secretsDirectory = value
        }
        if let (_, value) = reader.first("ACTIVITY_ADMIN_TOKEN"), !value.isEmpty { self.adminToken = value }
        if let (_, value) = reader.first("ACTIVITY_READ_TOKEN"), !value.isEmpty { self.readToken = value }
        for (variable, role) in [
            ("ACTIVITY_ADMIN_TOKEN_FILE", AdminToken.Role.admin), ("ACTIVITY_READ_TOKEN_FILE", .read),
        ] {
            guard let (name, path) = reader.first(variable), !path.isEmpty else { continue }
            do {
                _ = try AdminTokenSet.read(path, role: role)
            } catch {
                throw ConfigurationError(variable: name, error.description)
            }
            if role == .admin { self.adminTokenFile = path } else { self.readTokenFile = path }
        }
        if let (name, value) = reader.first("ACTIVITY_SYNC_ON_STARTUP") {
            self.syncOnStartup = try Self.bool(value, variable: name)
        }
        if let (name, value) = reader.first("ACTIVITY_SYNC_INTERVAL_SECONDS") {
            guard let seconds = Int(value), seconds == 0 || seconds >= 10 else {
                throw ConfigurationError(variable: name, "expected 0 (off) or a number of seconds of at least 10")
            }
            self.syncIntervalSeconds = seconds
        }
        if let (name, value) = reader.first("ACTIVITY_DEFAULT_ACTION_URL"), !value.isEmpty {
            guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
                throw ConfigurationError(variable: name, "expected an absolute http(s) URL")
            }
            self.defaultActionURL = value
        }
        try reader.set(&self.shutdownGraceSeconds, "ACTIVITY_SHUTDOWN_GRACE_SECONDS", seconds: 1...3600)
        try reader.set(&self.routerRefreshSeconds, "ACTIVITY_ROUTER_REFRESH_SECONDS", seconds: 1...3600)
        if let (name, value) = reader.first("LOG_LEVEL") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            // Case-insensitive, with the short names operators type (CONTRACT section 8).
            let aliases = ["warn": "warning", "err": "error"]
            let level = aliases[value.lowercased()] ?? value.lowercased()
            guard levels.contains(level) else {
                throw ConfigurationError(
                    variable: name, "expected one of \(levels.joined(separator: ", ")) (or warn, err; any case)")
            }
            self.logLevel = level
        }
        if let (name, value) = reader.first("LOG_FORMAT") {
            guard let format = LogFormat(rawValue: value.lowercased()) else {
                throw ConfigurationError(variable: name, "expected text or json")
            }
            self.logFormat = format
        }
    }

    static func list(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func bool(_ value: String, variable: String) throws(ConfigurationError) -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError(variable: variable, "expected true or false")
        }
    }

    static func checkHostPort(_ value: String, variable: String) throws(ConfigurationError) {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (1...65535).contains(port), colon != value.startIndex
        else {
            throw ConfigurationError(variable: variable, "expected host:port")
        }
    }
}

/// Looks variables up by name and aliases; an empty value counts as unset.
struct EnvironmentReader {
    let environment: [String: String]
    private(set) var lastName: String?

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// Sets `value` from an integer variable within `range` when it is set; anything else is
    /// an error saying what was expected.
    mutating func set(_ value: inout Int, _ name: String, _ range: ClosedRange<Int>, _ expected: String)
        throws(ConfigurationError)
    {
        guard let (_, text) = self.first(name) else { return }
        guard let number = Int(text), range.contains(number) else { throw ConfigurationError(variable: name, expected) }
        value = number
    }

    /// `set` for a number of seconds.
    mutating func set(_ value: inout Int, _ name: String, seconds range: ClosedRange<Int>) throws(ConfigurationError) {
        try self.set(
            &value, name, range, "expected a number of seconds from \(range.lowerBound) to \(range.upperBound)")
    }

    mutating func first(_ names: String...) -> (String, String)? {
        for name in names {
            if let value = self.environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                self.lastName = name
                return (name, value)
            }
        }
        return nil
    }
}
