import HTTPActions
import NATS

/// A configuration describes itself without its secrets (CONTRACT section 8: no secret in any
/// output at any level): the admin token and the Temporal API key are `<redacted>`, passwords
/// and tokens in URLs are `***`, and URLs keep scheme, host and path only. Libraries print
/// what they are given by reflection, so the mirror is redacted as well as the descriptions.
extension Configuration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    static let redacted = "<redacted>"

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "databaseURL": self.databaseURL.description,
                "databaseSchema": self.databaseSchema,
                "temporalAddress": self.temporalAddress,
                "temporalNamespace": self.temporalNamespace,
                "temporalTLSCertPath": self.temporalTLSCertPath as Any,
                "temporalTLSKeyPath": self.temporalTLSKeyPath as Any,
                "temporalTLSCAPath": self.temporalTLSCAPath as Any,
                "temporalAPIKey": self.temporalAPIKey.map { _ in Self.redacted } as Any,
                "natsURLs": self.natsURLs.map(NATSConfiguration.redacted),
                "natsTLSCAPath": self.natsTLSCAPath as Any,
                "natsTLSCertPath": self.natsTLSCertPath as Any,
                "natsTLSKeyPath": self.natsTLSKeyPath as Any,
                "natsPingIntervalSeconds": self.natsPingIntervalSeconds,
                "natsNoRandomize": self.natsNoRandomize,
                "natsCredentials": self.natsCredentials.map { "\($0)" } as Any,
                "eventReplicas": self.eventReplicas,
                "definitionRoots": self.definitionRoots,
                "maxFileBytes": self.maxFileBytes,
                "fileReadTimeoutSeconds": self.fileReadTimeoutSeconds,
                "runReconcileSeconds": self.runReconcileSeconds,
                "maxConcurrentActions": self.maxConcurrentActions,
                "maxConcurrentWorkflowTasks": self.maxConcurrentWorkflowTasks,
                "taskQueue": self.taskQueue,
                "schedulePrefix": self.schedulePrefix,
                "orphanSchedules": self.orphanSchedules,
                "drift": self.drift,
                "eventSubjects": self.eventSubjects,
                "eventStream": self.eventStream,
                "eventConsumer": self.eventConsumer,
                "eventMaxDeliver": self.eventMaxDeliver,
                "eventMaxAgeSeconds": self.eventMaxAgeSeconds,
                "eventMaxBytes": self.eventMaxBytes,
                "httpHost": self.httpHost,
                "httpPort": self.httpPort,
                "httpHeaderTimeoutSeconds": self.httpHeaderTimeoutSeconds,
                "httpIdleTimeoutSeconds": self.httpIdleTimeoutSeconds,
                "httpMaxConnections": self.httpMaxConnections,
                "httpTLSCertificatePath": self.httpTLSCertificatePath as Any,
                "httpTLSKeyPath": self.httpTLSKeyPath as Any,
                "httpAllow": self.outboundPolicy.allowed.map(\.description).joined(separator: ","),
                "secretsDirectory": self.secretsDirectory as Any,
                "adminToken": self.adminToken.map { _ in Self.redacted } as Any,
                "adminTokenFile": self.adminTokenFile as Any,
                "readToken": self.readToken.map { _ in Self.redacted } as Any,
                "readTokenFile": self.readTokenFile as Any,
                "syncOnStartup": self.syncOnStartup,
                "syncIntervalSeconds": self.syncIntervalSeconds,
                "defaultActionURL": self.defaultActionURL.map(RedactedURL.describe) as Any,
                "logLevel": self.logLevel,
                "logFormat": self.logFormat,
                "shutdownGraceSeconds": self.shutdownGraceSeconds,
                "temporalTimeoutSeconds": self.temporalTimeoutSeconds,
                "routerRefreshSeconds": self.routerRefreshSeconds,
            ],
            displayStyle: .struct
        )
    }

    public var description: String {
        let fields = self.customMirror.children.map { child in
            "\(child.label ?? "?"): \(String(describing: child.value))"
        }
        return "Configuration(\(fields.joined(separator: ", ")))"
    }

    public var debugDescription: String { self.description }
}
