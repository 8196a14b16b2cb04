extension JetStream {
    /// The `error` of a JetStream API answer.
    struct APIError: Codable, Sendable, Equatable {
        var code: Int
        var errCode: Int?
        var description: String?

        enum CodingKeys: String, CodingKey {
            case code
            case errCode = "err_code"
            case description
        }

        /// "Not found" (no such stream or consumer).
        var isNotFound: Bool { self.code == 404 }

        /// The refusal as an error naming what was tried, with JetStream's words and code.
        func failure(doing what: String) -> NATSError {
            NATSError(
                .serverError,
                "JetStream refused to \(what): \(self.description ?? "no description") (code \(self.errCode ?? self.code))"
            )
        }
    }
}
