/// A bad environment value: names the variable and what it accepts, never the value of a
/// secret. The process prints it as one line and exits 2.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var variable: String
    public var message: String

    public init(variable: String, _ message: String) {
        self.variable = variable
        self.message = message
    }

    public var description: String { "invalid \(self.variable): \(self.message)" }
}
