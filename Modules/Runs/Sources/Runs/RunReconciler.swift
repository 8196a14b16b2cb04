import Foundation
import Logging
import ServiceLifecycle

/// Ends the runs whose workflow closed without recording their end: terminated, timed out,
/// cancelled where no heartbeat could carry it, or completed by a worker of an older version
/// that skipped without `FinishRun`. Every `interval` (`ACTIVITY_RUN_RECONCILE_SECONDS`), one
/// replica at a time, each such run is recorded, counted and published like any other end.
public struct RunReconciler: Service, CustomStringConvertible {
    public let runs: any RunStore
    public let workflows: any RunWorkflowEnds
    public let finisher: RunFinisher
    public let lock: any RunReconcileLock
    public let interval: Duration
    let logger: Logger

    /// Runs looked at per pass, oldest first (the rest wait for the next pass).
    public static let batch = 200

    public init(
        runs: any RunStore, workflows: any RunWorkflowEnds, finisher: RunFinisher, lock: any RunReconcileLock,
        interval: Duration, logger: Logger
    ) {
        self.runs = runs
        self.workflows = workflows
        self.finisher = finisher
        self.lock = lock
        self.interval = interval
        self.logger = logger
    }

    public var description: String { "RunReconciler" }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: self.interval)
                } catch {
                    break
                }
                do {
                    if try await self.lock.withLockIfAvailable({ try await self.reconcile() }) == nil {
                        self.logger.debug("run reconciliation skipped: another replica reconciles")
                    }
                } catch {
                    self.logger.warning("run reconciliation failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One pass: every `running` run older than an interval whose workflow has closed is
    /// ended; returns how many. A run whose workflow cannot be asked about now is left for the
    /// next pass.
    @discardableResult
    public func reconcile(now: Date = Date()) async throws -> Int {
        // A run younger than the interval may be recording its end right now.
        let before = now.addingTimeInterval(-Double(self.interval.components.seconds))
        var ended = 0
        for run in try await self.runs.running(startedBefore: before, limit: Self.batch) {
            if Task.isCancelled { break }
            let end: RunWorkflowEnd?
            do {
                end = try await self.workflows.end(workflowID: run.workflowID, runID: run.runID)
            } catch {
                self.logger.warning(
                    "cannot ask Temporal how a run ended",
                    metadata: ["temporal.workflow_id": "\(run.workflowID)", "error": "\(error)"])
                continue
            }
            guard let end else { continue }
            var finished = run
            (finished.status, finished.error) = Self.outcome(of: end)
            try await self.finisher.finish(finished)
            self.logger.info(
                "run ended by the reconciler",
                metadata: ["temporal.workflow_id": "\(run.workflowID)", "run.status": "\(finished.status.rawValue)"])
            ended += 1
        }
        return ended
    }

    /// The status and error a run gets for how its workflow ended.
    static func outcome(of end: RunWorkflowEnd) -> (RunRecord.Status, String) {
        switch end {
        case .terminated: (.terminated, "the workflow was terminated")
        case .timedOut: (.timedOut, "the workflow timed out")
        case .canceled: (.cancelled, "the workflow was cancelled before the run's end was recorded")
        case .failed: (.failed, "the workflow failed before the run's end was recorded")
        case .completed:
            (.skipped, "the workflow completed without recording the run's end (a worker of an older version)")
        case .gone: (.terminated, "the workflow is no longer in Temporal")
        }
    }
}
