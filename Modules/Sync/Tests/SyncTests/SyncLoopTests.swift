import Testing

@testable import Sync

@Suite("Background sync loop")
struct SyncLoopTests {
    @Test("ticks are the interval give or take 10 %")
    func jitter() {
        #expect(SyncLoopService.delay(interval: .seconds(10), random: 0) == .seconds(9))
        #expect(SyncLoopService.delay(interval: .seconds(10), random: 1) == .seconds(11))
        #expect(SyncLoopService.delay(interval: .seconds(60), random: 0.5) == .seconds(60))
    }
}
