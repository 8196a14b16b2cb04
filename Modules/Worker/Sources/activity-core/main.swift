import Foundation
import Worker

MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
let code = await ActivityCoreCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(code)
