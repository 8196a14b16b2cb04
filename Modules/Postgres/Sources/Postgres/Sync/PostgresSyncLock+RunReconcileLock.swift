import Runs

/// The same session advisory lock serves the run reconciler, under a key of its own
/// (`AdvisoryLockKey.runReconcile`).
extension PostgresSyncLock: RunReconcileLock {}
