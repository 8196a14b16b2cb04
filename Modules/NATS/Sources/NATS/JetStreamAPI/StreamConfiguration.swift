extension JetStream {
    /// The settings of a stream the router reads or creates. Updating a stream sends back the
    /// whole configuration JetStream gave (`StreamInfo.rawConfiguration`), so the settings
    /// not modelled here are kept.
    struct StreamConfiguration: Codable, Sendable, Equatable {
        var name: String?
        var subjects: [String]?
        var retention: String?
        var storage: String?
        var discard: String?
        var replicas: Int?
        /// Nanoseconds; 0 = unlimited.
        var maxAge: Int64?
        /// -1 = unlimited.
        var maxBytes: Int64?

        enum CodingKeys: String, CodingKey {
            case name, subjects, retention, storage, discard
            case replicas = "num_replicas"
            case maxAge = "max_age"
            case maxBytes = "max_bytes"
        }
    }
}
