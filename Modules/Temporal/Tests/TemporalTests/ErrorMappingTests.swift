import CodedErrors
import GRPCCore
import Testing

@testable import Temporal

@Suite("gRPC errors as Temporal errors")
struct ErrorMappingTests {
    @Test("a message over the size limit is not retried; a rate limit is")
    func messageSize() {
        let ours = TemporalClient.map(
            RPCError(
                code: .resourceExhausted,
                message: "Message has exceeded the configured maximum payload size (max: 4194304, actual: 5000000)"),
            method: "PollWorkflowTaskQueue")
        #expect(ours.code == .messageTooLarge && !ours.isTransient)
        let server = TemporalClient.map(
            RPCError(code: .resourceExhausted, message: "grpc: received message larger than max (5000000 vs. 4194304)"),
            method: "RespondWorkflowTaskCompleted")
        #expect(server.code == .messageTooLarge && !server.isTransient)
        let limited = TemporalClient.map(
            RPCError(code: .resourceExhausted, message: "namespace rate limit exceeded"),
            method: "StartWorkflowExecution")
        #expect(limited.code == .resourceExhausted && limited.isTransient)
        #expect(TemporalClient.maxMessageBytes == 128 * 1024 * 1024)
    }

    @Test("the gRPC error is kept as the cause, and a schedule error keeps the Temporal error under it")
    func causeKept() {
        struct Refused: Error {}
        let rpc = RPCError(code: .unavailable, message: "connection refused", cause: Refused())
        let error = TemporalClient.map(rpc, method: "ListSchedules")
        #expect(error.code == .unavailable)
        #expect(error.underlying(RPCError.self)?.code == .unavailable)
        #expect(error.underlying(Refused.self) == nil)  // RPCError's own cause is its business
        let schedule = TemporalScheduleService.map(error)
        #expect(schedule.code == .unavailable)
        #expect(schedule.underlying(TemporalError.self)?.code == .unavailable)
        #expect(schedule.underlying(RPCError.self)?.message == "connection refused")
    }
}
