import ArgumentParser
import CodedErrors
import Foundation
import Settings

/// The `activity-core` executable's root command.
public struct ActivityCoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "activity-core",
        abstract: "Activity definitions in PostgreSQL, cron ones as Temporal schedules, event ones routed from NATS.",
        subcommands: [
            WorkerCommand.self, SyncCommand.self, PlanCommand.self, ValidateCommand.self, MigrateCommand.self,
            TriggerCommand.self, CancelCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments`, runs the command and returns the process exit code: usage errors
    /// and bad configuration are 2 (CONTRACT sections 1 and 2), never ArgumentParser's 64.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try Self.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("activity-core: \(error)\n".utf8))
            return 2
        } catch let error as ExitCode {
            return error.rawValue
        } catch let error as any CodedFailure {
            // A failure no command handled: its message and its stable code.
            FileHandle.standardError.write(Data("activity-core: \(error.message) (\(error.codeName))\n".utf8))
            return 1
        } catch {
            let code = Self.exitCode(for: error)
            let message = Self.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}
