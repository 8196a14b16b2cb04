import Foundation
import Logging
import Temporal

/// Diagnostic: N concurrent long polls on an empty task queue over one connection for 15 s;
/// counts how many ended with an error.
enum PollProbe {
    static func run(count: Int, environment: [String: String], logger: Logger) async throws {
        let configuration = try TemporalConfiguration(address: environment["TEMPORAL_ADDRESS"] ?? "127.0.0.1:7233")
        try await TemporalClient.withClient(configuration: configuration, logger: logger) { client in
            let queue = "probe-\(UUID().uuidString.prefix(8))"
            let results = await withTaskGroup(of: String.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        var request = Temporal_Api_Workflowservice_V1_PollActivityTaskQueueRequest()
                        request.namespace = "default"
                        request.taskQueue.name = queue
                        request.identity = "probe"
                        do {
                            _ = try await client.call("PollActivityTaskQueue", timeout: .seconds(15)) {
                                [request] service, metadata, options in
                                try await service.pollActivityTaskQueue(request, metadata: metadata, options: options)
                            }
                            return "ok"
                        } catch {
                            return "\((error as? TemporalError)?.code.rawValue ?? "\(error)")"
                        }
                    }
                }
                var counts: [String: Int] = [:]
                for await result in group { counts[result, default: 0] += 1 }
                return counts
            }
            emit("\(count) concurrent polls: \(results) calls \(client.counter.total)")
        }
    }
}
