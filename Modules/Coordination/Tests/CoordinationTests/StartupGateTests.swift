import Testing

@testable import Coordination

@Suite("The startup gate")
struct StartupGateTests {
    @Test("waiters are resumed when it opens; a later wait returns at once")
    func opens() async {
        let gate = StartupGate()
        async let first: Void = gate.wait()
        async let second: Void = gate.wait()
        try? await Task.sleep(for: .milliseconds(20))
        #expect(!gate.opened)
        gate.open()
        _ = await (first, second)
        #expect(gate.opened)
        await gate.wait()
    }

    @Test("a cancelled waiter returns without the gate opening")
    func cancelled() async {
        let gate = StartupGate()
        let waiter = Task { await gate.wait() }
        try? await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await waiter.value
        #expect(!gate.opened)
        // Cancelled before it started waiting: returns at once too.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await gate.wait()
        }
        await early.value
        #expect(!gate.opened)
    }
}
