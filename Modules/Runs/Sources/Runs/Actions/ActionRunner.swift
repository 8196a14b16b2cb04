import Definitions

/// Dispatches an action to the executor of its kind.
public struct ActionRunner: Sendable {
    public let http: any ActionExecutor
    public let natsPublish: any ActionExecutor
    public let echo: any ActionExecutor

    public init(http: any ActionExecutor, natsPublish: any ActionExecutor, echo: any ActionExecutor) {
        self.http = http
        self.natsPublish = natsPublish
        self.echo = echo
    }

    public func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
        switch action.kind {
        case .http: try await self.http.execute(action, document: document, workflowID: workflowID)
        case .natsPublish: try await self.natsPublish.execute(action, document: document, workflowID: workflowID)
        case .echo: try await self.echo.execute(action, document: document, workflowID: workflowID)
        }
    }
}
