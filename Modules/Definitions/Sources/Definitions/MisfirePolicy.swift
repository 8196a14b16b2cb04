/// What Temporal does with fires missed while nothing could run them.
public enum MisfirePolicy: String, Sendable, Hashable, CaseIterable, Codable {
    case skip
    case catchupAll = "catchup_all"
    case catchupLatest = "catchup_latest"

    /// Accepts the contract's names and the aliases `catchup` and `compress`.
    public init?(name: String) {
        switch name {
        case "skip": self = .skip
        case "catchup_all", "catchup": self = .catchupAll
        case "catchup_latest", "compress": self = .catchupLatest
        default: return nil
        }
    }

    /// The catchup window used when a definition names none.
    public var defaultCatchupWindowSeconds: Int {
        switch self {
        case .skip: 60
        case .catchupAll: 365 * 24 * 3600
        case .catchupLatest: 24 * 3600
        }
    }
}
