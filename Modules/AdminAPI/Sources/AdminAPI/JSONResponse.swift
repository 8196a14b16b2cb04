import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON bodies: every answer of the API is JSON except `/metrics`.
enum JSONResponse {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data(#"{"error":"response could not be encoded"}"#.utf8)
    }

    static func make(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = Self.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data))
        )
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        self.make(status, ["error": message])
    }

    /// `{"error":"..."}` as text, for answers written below the router.
    static func errorBody(_ message: String) -> String {
        String(decoding: Self.encode(["error": message]), as: UTF8.self)
    }
}

/// A refusal with a status and a message for the client.
struct AdminError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
