import Definitions
import Foundation
import Sync
import Synchronization
import Testing

@Suite("What runs after a sync")
struct AfterSyncTests {
    final class Calls: Sendable {
        let count = Mutex(0)
    }

    @Test("the after-sync step (the worker's own index refresh) has run before a sync answers; not after a dry run")
    func afterSync() async throws {
        let fixture = try SyncFixture()
        let calls = Calls()
        let service = SyncService(
            runner: fixture.runner(), lock: LocalSyncLock(), logger: SyncFixture.logger,
            afterSync: { _ in
                try? await Task.sleep(for: .milliseconds(50))
                calls.count.withLock { $0 += 1 }
            })
        _ = try await service.sync(.standard, dryRun: true, trigger: .api)
        #expect(calls.count.withLock { $0 } == 0)
        _ = try await service.sync(.standard, dryRun: false, trigger: .api)
        #expect(calls.count.withLock { $0 } == 1)
    }
}
