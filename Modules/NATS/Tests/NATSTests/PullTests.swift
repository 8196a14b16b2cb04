import Testing

@testable import NATS

@Suite("JetStream pulls: heartbeats and status messages")
struct PullTests {
    @Test("a pull asks for a heartbeat of a quarter of its expiry, at most 5 s, none under 2 s")
    func heartbeat() {
        #expect(JetStream.heartbeat(for: .seconds(5)) == .milliseconds(1_250))
        #expect(JetStream.heartbeat(for: .seconds(60)) == .seconds(5))
        #expect(JetStream.heartbeat(for: .seconds(1)) == nil)
    }

    @Test("status messages: heartbeats skipped, ends end, a deleted consumer is consumerMissing, the rest errors")
    func statuses() {
        func kind(_ status: String, _ description: String = "") -> String {
            switch JetStream.pullStatus(status, description) {
            case .heartbeat: "heartbeat"
            case .end: "end"
            case .failure(let error): "\(error.code)"
            }
        }
        #expect(kind("100", "Idle Heartbeat") == "heartbeat")
        #expect(kind("404", "No Messages") == "end")
        #expect(kind("408", "Request Timeout") == "end")
        #expect(kind("409", "Leadership Change") == "end")
        #expect(kind("409", "Batch Completed") == "end")
        #expect(kind("409", "Consumer Deleted") == "consumerMissing")
        #expect(kind("503") == "consumerMissing")
        #expect(kind("409", "Exceeded MaxWaiting") == "serverError")
        #expect(kind("400", "Bad Request") == "serverError")
    }

    @Test("a pull is over at its deadline, or when nothing came for two heartbeats")
    func watch() {
        let start = ContinuousClock.now
        let watch = PullWatch(expires: .seconds(5), heartbeat: .seconds(1), now: start)
        #expect(watch.check(at: start + .milliseconds(1_900)) == nil)
        watch.arrived(at: start + .milliseconds(1_500))
        #expect(watch.check(at: start + .milliseconds(3_400)) == nil)
        #expect(watch.lost == nil)
        #expect(watch.check(at: start + .milliseconds(3_600)) == .silent)
        #expect(watch.lost == .milliseconds(2_100))
        let quiet = PullWatch(expires: .seconds(5), heartbeat: nil, now: start)
        #expect(quiet.check(at: start + .seconds(6)) == nil)
        #expect(quiet.check(at: start + .seconds(7)) == .deadline)
    }

    @Test("a deleted consumer resumes at the lowest pending sequence, else after the highest delivered")
    func position() {
        let position = ConsumerPosition()
        #expect(position.resumeSequence == nil)
        for sequence in 1...5 as ClosedRange<UInt64> { position.delivered(sequence) }
        for sequence in [1, 2, 4, 5] as [UInt64] { position.done(sequence) }
        #expect(position.resumeSequence == 3)
        position.done(3)
        #expect(position.resumeSequence == 6)
        position.reset()
        #expect(position.resumeSequence == nil)
    }
}
