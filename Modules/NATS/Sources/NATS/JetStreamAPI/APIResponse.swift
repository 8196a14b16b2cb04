extension JetStream {
    /// An answer of the JetStream API: its payload, or an `error`.
    protocol APIResponse: Decodable, Sendable {
        var error: APIError? { get }
    }

    /// A request without parameters (`{}`).
    struct NoParameters: Encodable, Sendable {}

    /// An answer whose payload is not used (a delete, say).
    struct Acknowledgement: APIResponse {
        var success: Bool?
        var error: APIError?
    }
}
