import Foundation
import NATS
import Runs
import Schedules
import Temporal

extension Configuration {
    /// The Temporal connection settings. The TLS files must be readable now: a missing one is
    /// an error naming its variable, not a TLS failure at the first call.
    public func temporalConfiguration() throws(ConfigurationError) -> TemporalConfiguration {
        try Self.requireReadable([
            ("TEMPORAL_TLS_CERT", self.temporalTLSCertPath), ("TEMPORAL_TLS_KEY", self.temporalTLSKeyPath),
            ("TEMPORAL_TLS_CA", self.temporalTLSCAPath),
        ])
        do {
            return try TemporalConfiguration(
                address: self.temporalAddress,
                namespace: self.temporalNamespace,
                tlsCertificatePath: self.temporalTLSCertPath,
                tlsKeyPath: self.temporalTLSKeyPath,
                tlsCAPath: self.temporalTLSCAPath,
                apiKey: self.temporalAPIKey
            )
        } catch {
            throw ConfigurationError(variable: "TEMPORAL_ADDRESS", error.message)
        }
    }

    static func requireReadable(_ files: [(variable: String, path: String?)]) throws(ConfigurationError) {
        for case (let variable, let path?) in files where !FileManager.default.isReadableFile(atPath: path) {
            throw ConfigurationError(variable: variable, "cannot read the PEM file \(path)")
        }
    }

    /// The Temporal worker's queues and slots: workflow tasks and actions on `ACTIVITY_TASK_QUEUE`,
    /// the bookkeeping activities on a queue of their own with as many slots as workflow tasks.
    public var temporalWorkerConfiguration: TemporalWorkerConfiguration {
        TemporalWorkerConfiguration(
            taskQueue: self.taskQueue,
            maxConcurrentWorkflowTasks: self.maxConcurrentWorkflowTasks,
            maxConcurrentActivities: self.maxConcurrentActions,
            activityQueues: [
                .init(name: RunContract.bookkeepingTaskQueue(self.taskQueue), slots: self.maxConcurrentWorkflowTasks)
            ],
            shutdownGrace: .seconds(self.shutdownGraceSeconds))
    }

    /// The NATS connection settings.
    public func natsConfiguration() throws(ConfigurationError) -> NATSConfiguration {
        try Self.requireReadable([
            ("NATS_TLS_CERT", self.natsTLSCertPath), ("NATS_TLS_KEY", self.natsTLSKeyPath),
            ("NATS_TLS_CA", self.natsTLSCAPath),
        ])
        var configuration: NATSConfiguration
        do {
            configuration = try NATSConfiguration(urls: self.natsURLs)
        } catch {
            throw ConfigurationError(variable: "NATS_URL", error.message)
        }
        configuration.tls = NATSTLS(
            caPath: self.natsTLSCAPath, certificatePath: self.natsTLSCertPath, keyPath: self.natsTLSKeyPath)
        configuration.pingInterval = .seconds(self.natsPingIntervalSeconds)
        if let credentials = self.natsCredentials {
            let variable: String
            switch credentials {
            case .creds: variable = "NATS_CREDS"
            case .nkeySeed: variable = "NATS_NKEY_SEED"
            }
            do {
                try credentials.validate()
            } catch {
                throw ConfigurationError(variable: variable, error.message)
            }
            configuration.credentials = credentials
        }
        configuration.randomize = !self.natsNoRandomize
        return configuration
    }

    /// The event stream's and consumer's limits.
    public var eventStreamLimits: EventStreamLimits {
        EventStreamLimits(
            maxAge: .seconds(self.eventMaxAgeSeconds), maxBytes: self.eventMaxBytes, maxDeliver: self.eventMaxDeliver,
            replicas: self.eventReplicas)
    }

    /// How cron definitions become schedule IDs and workflow starts.
    public var scheduleProjection: ScheduleProjection {
        ScheduleProjection(prefix: self.schedulePrefix, taskQueue: self.taskQueue)
    }
}
