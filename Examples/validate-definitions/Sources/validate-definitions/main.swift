// Validates folders of activity definitions with the `Definitions` product alone:
//
//     swift run validate-definitions ROOT...
//
// Prints one located line per problem and a summary; exit 0 when valid, 1 when not, 2 when
// no folder was given.
import Definitions

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let roots = Array(CommandLine.arguments.dropFirst())
guard !roots.isEmpty else {
    print("usage: validate-definitions ROOT...")
    exit(2)
}
let result = DefinitionLoader().load(roots: roots)
for issue in result.allIssues { print(issue.description) }
for warning in result.allWarnings { print("\(warning.issue.location): warning: \(warning.issue.message)") }
let documents = result.roots.flatMap(\.files).flatMap(\.documents)
let activities = documents.filter { if case .activity = $0.document { true } else { false } }
print(
    "\(activities.count) activity definition(s), \(documents.count - activities.count) event type(s): "
        + (result.allIssues.isEmpty ? "valid" : "\(result.allIssues.count) problem(s)"))
exit(result.allIssues.isEmpty ? 0 : 1)
