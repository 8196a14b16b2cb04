import Foundation
import Logging

// activity-core-bench: measures activity-core against the local services (Tools/services start).
//
//   activity-core-bench schedules [COUNT]   first, repeat and all-changed schedule syncs (1000)
//   activity-core-bench runs [COUNT]        runs kept 1, 10 and 100 in flight (at most COUNT per level)
//   activity-core-bench events [COUNT]      COUNT events through the router, matched and routed (10000)
//   activity-core-bench echo-runs [COUNT]   http runs answered at once, 1, 10 and 64 in flight (COUNT at 64;
//                                           BENCH_NAMESPACE, BENCH_SHAPE=current|1.0): Tools/bench/runs-vs-sdk
//
// Each run uses a database schema, schedule prefix and task queue of its own.

let arguments = Array(CommandLine.arguments.dropFirst())
let environment = ProcessInfo.processInfo.environment
var logger = Logger(label: "bench", factory: { StreamLogHandler.standardError(label: $0) })
logger.logLevel = Logger.Level(rawValue: environment["LOG_LEVEL"] ?? "warning") ?? .warning
let count = arguments.count > 1 ? Int(arguments[1]) : nil

switch arguments.first {
case "schedules":
    try await SchedulesBench.run(count: count ?? 1000, environment: environment, logger: logger)
case "runs":
    try await RunsBench.run(count: count ?? 500, environment: environment, logger: logger)
case "echo-runs":
    try await EchoRunsBench.run(count: count ?? 1000, environment: environment, logger: logger)
case "events":
    try await EventsBench.run(count: count ?? 10_000, environment: environment, logger: logger)
default:
    FileHandle.standardError.write(Data("usage: activity-core-bench schedules|runs|events|echo-runs [COUNT]\n".utf8))
    exit(2)
}
