import ArgumentParser
import Definitions
import Foundation
import Settings

/// `activity-core validate [PATH...]`: parse and validate offline, one located line per
/// problem; exit 0 when valid, 1 when not.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate definition roots or files offline (no database, no Temporal)."
    )

    @Argument(help: "Definition roots or files; default: ACTIVITY_DEFINITION_DIRS.")
    var paths: [String] = []

    func run() async throws {
        let configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        let roots = self.paths.isEmpty ? configuration.definitionRoots : self.paths
        let result = await DefinitionLoader(limits: configuration.definitionLimits).loadInBackground(roots: roots)
        let issues = result.allIssues
        for issue in issues { print(issue.description) }
        let warnings = result.allWarnings
        for warning in warnings { print("\(warning.issue.location): warning: \(warning.issue.message)") }
        let files = result.roots.reduce(0) { $0 + $1.files.count }
        let documents = result.roots.flatMap(\.files).flatMap(\.documents)
        let activities = documents.filter { if case .activity = $0.document { true } else { false } }.count
        let summary =
            "\(files) file(s), \(activities) activity definition(s), \(documents.count - activities) event type(s): "
            + (issues.isEmpty ? "valid" : "\(issues.count) problem(s)")
            + (warnings.isEmpty ? "" : ", \(warnings.count) warning(s)")
        FileHandle.standardError.write(Data("\(summary)\n".utf8))
        if !issues.isEmpty { throw ExitCode(1) }
    }
}
