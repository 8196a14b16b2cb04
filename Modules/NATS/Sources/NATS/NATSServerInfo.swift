import Foundation

/// What activity-core reads of a server's INFO: TLS, the cluster's other servers, lame-duck
/// mode, the largest payload it takes, and the nonce to sign when it asks for NKEY auth.
struct NATSServerInfo: Decodable, Sendable, Equatable {
    var serverName: String?
    var tlsRequired: Bool?
    var tlsAvailable: Bool?
    var connectURLs: [String]?
    /// Set in the INFO a server sends when it enters lame-duck mode (it is about to stop).
    var lameDuckMode: Bool?
    var maxPayload: Int?
    var nonce: String?

    enum CodingKeys: String, CodingKey {
        case serverName = "server_name"
        case tlsRequired = "tls_required"
        case tlsAvailable = "tls_available"
        case connectURLs = "connect_urls"
        case lameDuckMode = "ldm"
        case maxPayload = "max_payload"
        case nonce
    }

    /// The INFO's JSON; nil when it is not an object (nothing in it is then relied on).
    init?(json: String) {
        guard let info = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = info
    }
}
