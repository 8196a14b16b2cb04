import Foundation
import Worker

let code = await ActivityCoreCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(code)
