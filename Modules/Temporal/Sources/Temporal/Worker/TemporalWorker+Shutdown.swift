import Foundation
import Logging

/// A worker's graceful shutdown, as the official SDKs do it:
/// 1. Polling stops (no slot is handed out any more) and Temporal is told with `ShutdownWorker`
///    for every queue polled. A server whose namespace has the `worker_poll_complete_on_shutdown`
///    capability answers the open polls itself, so a task it matched to a poll at that moment
///    still reaches the worker and is handled; otherwise the polls are cancelled here at once.
/// 2. The tasks in hand get `shutdownGrace`; then an activity still running fails its attempt
///    at once as retryable (`WorkerShutdown`), so its retry starts elsewhere without waiting
///    for a timeout.
extension TemporalWorker {
    /// How long polls the server should answer may stay open before they are cancelled here.
    static let pollCompletionWait = Duration.seconds(5)

    /// Waits for `stop()`, then runs the shutdown; ends early when cancelled (the worker ended).
    func shutdownWhenAsked() async {
        // Asked while the worker starts, so that a stop does not wait for it.
        let pollsComplete = await self.serverCompletesPollsOnShutdown()
        let asked = await self.stopAsked()
        guard asked else { return }
        self.logger.info(
            "temporal worker stopping",
            metadata: [
                "temporal.open_polls": "\(pollsComplete ? "answered by the server" : "cancelled")",
                "temporal.in_flight": "\(self.inFlight)", "temporal.grace": "\(self.configuration.shutdownGrace)",
            ])
        if !pollsComplete { self.cancelPolls() }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.sendShutdownWorker() }
            if pollsComplete {
                group.addTask {
                    guard (try? await Task.sleep(for: Self.pollCompletionWait)) != nil else { return }
                    self.cancelPolls()
                }
            }
            group.addTask {
                guard (try? await Task.sleep(for: self.configuration.shutdownGrace)) != nil else { return }
                let inFlight = self.inFlight
                if inFlight > 0 {
                    self.logger.warning(
                        "shutdown grace over: activities still running fail their attempt as retryable",
                        metadata: ["temporal.in_flight": "\(inFlight)"])
                }
                self.cut.fire()
            }
        }
    }

    /// True once `stop()` was called; false when cancelled first.
    private func stopAsked() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = self.state.withLock { state -> Bool in
                    if state.stopSignalled || Task.isCancelled { return true }
                    state.stopRequested = continuation
                    return false
                }
                if now { continuation.resume() }
            }
            return self.state.withLock { $0.stopSignalled }
        } onCancel: {
            let continuation = self.state.withLock { state in
                defer { state.stopRequested = nil }
                return state.stopRequested
            }
            continuation?.resume()
        }
    }

    /// `ShutdownWorker` for each task queue polled, once, within 10 s; a server without the
    /// call (UNIMPLEMENTED) or a failure changes nothing but the log.
    func sendShutdownWorker() async {
        var queues: [String: [Temporal_Api_Enums_V1_TaskQueueType]] = [:]
        for pool in self.pools {
            queues[pool.queue, default: []].append(pool.kind == .workflow ? .workflow : .activity)
        }
        // All at once: the first answered already ends the polls (the server cancels them by
        // instance key), and the worker may end before a later one would be sent.
        await withDiscardingTaskGroup { group in
            for (queue, types) in queues {
                var request = Temporal_Api_Workflowservice_V1_ShutdownWorkerRequest()
                request.namespace = self.client.configuration.namespace
                request.identity = self.client.configuration.identity
                request.reason = "graceful shutdown"
                request.workerInstanceKey = self.instanceKey
                request.taskQueue = queue
                request.taskQueueTypes = types
                group.addTask {
                    do {
                        _ = try await self.client.call("ShutdownWorker", timeout: .seconds(10), attempts: 1) {
                            [request] service, metadata, options in
                            try await service.shutdownWorker(request, metadata: metadata, options: options)
                        }
                    } catch  where !Task.isCancelled {
                        self.logger.info(
                            "ShutdownWorker not accepted; open polls end on their own",
                            metadata: ["temporal.task_queue": "\(queue)", "error": "\(error)"])
                    } catch {}
                }
            }
        }
    }

    /// Whether the namespace's server answers open polls on `ShutdownWorker`; false when it
    /// cannot be asked.
    func serverCompletesPollsOnShutdown() async -> Bool {
        let response = try? await self.client.describeNamespace(timeout: .seconds(5), attempts: 3)
        return response?.namespaceInfo.capabilities.workerPollCompleteOnShutdown ?? false
    }
}
