import Foundation
import NATS
import Schedules
import Temporal

extension Configuration {
    /// The Temporal connection settings. The TLS files must be readable now: a missing one is
    /// an error naming its variable, not a TLS failure at the first call.
    public func temporalConfiguration() throws(ConfigurationError) -> TemporalConfiguration {
        let files = [
            ("TEMPORAL_TLS_CERT", self.temporalTLSCertPath), ("TEMPORAL_TLS_KEY", self.temporalTLSKeyPath),
            ("TEMPORAL_TLS_CA", self.temporalTLSCAPath),
        ]
        for case (let variable, let path?) in files where !FileManager.default.isReadableFile(atPath: path) {
            throw ConfigurationError(variable: variable, "cannot read the PEM file \(path)")
        }
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
