extension Result where Failure == any Error {
    /// The value `body` returns, or the error it throws: a read started early whose failure
    /// is reported where its value is used.
    public static func catching(_ body: () async throws -> Success) async -> Self {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }
}
