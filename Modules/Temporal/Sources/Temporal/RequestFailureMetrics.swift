import CoreMetrics
import GRPCCore
import Synchronization

/// Failed Temporal calls under the official SDKs' names: `temporal_long_request_failure` for the
/// long polls, `temporal_request_failure` for every other call, labelled with the operation
/// (the RPC's name) and the gRPC status code as Temporal writes it (`UNAVAILABLE`).
final class RequestFailureMetrics: Sendable {
    private let factory: any MetricsFactory
    private let namespace: String
    private let counters = Mutex<[String: Counter]>([:])

    init(factory: any MetricsFactory, namespace: String) {
        self.factory = factory
        self.namespace = namespace
    }

    func record(_ method: String, _ error: any Error) {
        let status = Self.statusCode(error)
        let key = "\(method) \(status)"
        let counter = self.counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: Self.isLongPoll(method) ? "temporal_long_request_failure" : "temporal_request_failure",
                dimensions: [("namespace", self.namespace), ("operation", method), ("status_code", status)],
                factory: self.factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    static func isLongPoll(_ method: String) -> Bool {
        method.hasPrefix("Poll")
    }

    /// The gRPC status code in upper snake case; `UNKNOWN` for a failure that is not a gRPC one.
    static func statusCode(_ error: any Error) -> String {
        guard let rpc = error as? RPCError else {
            return error is CancellationError ? "CANCELLED" : "UNKNOWN"
        }
        return switch rpc.code {
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internalError: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        default: "UNKNOWN"
        }
    }
}
