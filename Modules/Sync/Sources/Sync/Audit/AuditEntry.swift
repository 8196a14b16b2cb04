import Definitions
import Foundation

/// One admin request that changed something (a sync, a trigger, a cancel): who asked, from
/// where, with which parameters, and what came of it.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// When the request was answered.
    public var at: Date
    /// The name of the token it was let in with (never the token).
    public var tokenName: String
    /// The client's IP address.
    public var client: String
    public var method: String
    public var path: String
    /// The query parameters as sent.
    public var parameters: [String: String]
    /// The HTTP status of the answer.
    public var status: Int
    /// What came of it: sync counts, a workflow ID, an error message.
    public var outcome: JSONValue

    public init(
        at: Date, tokenName: String, client: String, method: String, path: String, parameters: [String: String],
        status: Int, outcome: JSONValue
    ) {
        self.at = at
        self.tokenName = tokenName
        self.client = client
        self.method = method
        self.path = path
        self.parameters = parameters
        self.status = status
        self.outcome = outcome
    }

    enum CodingKeys: String, CodingKey {
        case at
        case tokenName = "token_name"
        case client, method, path, parameters, status, outcome
    }
}
