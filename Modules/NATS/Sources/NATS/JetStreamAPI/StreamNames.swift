extension JetStream {
    /// `STREAM.NAMES`'s request: the streams that capture `subject`.
    struct StreamNamesRequest: Encodable, Sendable {
        var subject: String
    }

    /// `STREAM.NAMES`'s answer.
    struct StreamNames: APIResponse {
        var streams: [String]?
        var error: APIError?
    }
}
