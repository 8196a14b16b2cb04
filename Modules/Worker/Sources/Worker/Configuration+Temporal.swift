import NATS
import Schedules
import Temporal

extension Configuration {
    /// The Temporal connection settings.
    public func temporalConfiguration() throws(ConfigurationError) -> TemporalConfiguration {
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

    /// The NATS connection settings.
    public func natsConfiguration() throws(ConfigurationError) -> NATSConfiguration {
        do {
            return try NATSConfiguration(urls: self.natsURLs)
        } catch {
            throw ConfigurationError(variable: "NATS_URL", error.message)
        }
    }

    /// How cron definitions become schedule IDs and workflow starts.
    public var scheduleProjection: ScheduleProjection {
        ScheduleProjection(prefix: self.schedulePrefix, taskQueue: self.taskQueue)
    }
}
