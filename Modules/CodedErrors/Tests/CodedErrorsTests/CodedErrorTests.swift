import CodedErrors
import Testing

@Suite("One error shape")
struct CodedErrorTests {
    enum Code: String, ErrorCode { case failed, other }
    enum OtherCode: String, ErrorCode { case wrapped }
    struct Socket: Error, Equatable { var errno: Int32 }

    @Test("code and message are the identity; the cause is kept as a value and found down the chain")
    func shape() throws {
        let inner = CodedError(Code.failed, "write failed", cause: Socket(errno: 104))
        let outer = CodedError(OtherCode.wrapped, "sync failed", cause: inner)
        #expect(inner == CodedError(.failed, "write failed"))
        #expect(inner != CodedError(.other, "write failed"))
        #expect("\(outer)" == "sync failed")
        #expect(outer.underlying(Socket.self) == Socket(errno: 104))
        #expect(outer.underlying(CodedError<Code>.self)?.code == .failed)
        #expect(CodedError(Code.failed, "x").underlying(Socket.self) == nil)
        let any: any Error = outer
        #expect((any as? any CodedFailure)?.codeName == "wrapped")
    }
}
