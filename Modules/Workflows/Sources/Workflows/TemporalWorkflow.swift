/// A workflow as a pure decision function: history in, commands out. Deterministic by
/// construction, since it sees nothing but the history.
public protocol TemporalWorkflow: Sendable {
    /// The workflow type name it handles.
    var name: String { get }
    func decide(_ history: WorkflowHistory) -> [WorkflowCommand]
}
