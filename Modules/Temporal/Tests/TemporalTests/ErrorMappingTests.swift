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
}
