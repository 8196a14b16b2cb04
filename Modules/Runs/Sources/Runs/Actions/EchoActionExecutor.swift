import Definitions
import Logging

/// `echo`: logs the run document and returns it.
public struct EchoActionExecutor: ActionExecutor {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func execute(_ action: ActivityAction, document: JSONValue, workflowID: String) async throws -> JSONValue {
        let text = String(decoding: document.canonicalJSON(), as: UTF8.self)
        self.logger.info("echo action", metadata: ["run.workflow_id": "\(workflowID)", "run.document": "\(text)"])
        return document
    }
}
