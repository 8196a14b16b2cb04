/// One change a sync made (or, in a dry run, would make) to a stored document.
public struct DocumentChange: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        case create, update, revive, retire
    }

    public var id: String
    public var action: Action

    public init(id: String, action: Action) {
        self.id = id
        self.action = action
    }
}
