import CoreMetrics
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import NIOCore
import NIOHTTP2

/// A connection to Temporal's WorkflowService over gRPC, with the namespace, identity and
/// credentials of a `TemporalConfiguration`, retries with backoff on UNAVAILABLE and
/// RESOURCE_EXHAUSTED, and a count of every RPC.
///
/// Run `run()` in a long-lived task (it is also a ServiceLifecycle service through
/// `TemporalClient+Service`); calls wait for the connection.
public final class TemporalClient: Sendable {
    public typealias Service = Temporal_Api_Workflowservice_V1_WorkflowService.Client<HTTP2ClientTransport.Posix>

    public let configuration: TemporalConfiguration
    public let counter: RPCCounter
    /// `temporal_request_failure` and `temporal_long_request_failure`.
    let failures: RequestFailureMetrics
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let service: Service
    let logger: Logger

    public init(
        configuration: TemporalConfiguration, counter: RPCCounter = RPCCounter(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger
    ) throws(TemporalError) {
        self.configuration = configuration
        self.counter = counter
        self.failures = RequestFailureMetrics(factory: metrics, namespace: configuration.namespace)
        self.logger = logger
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: Self.target(configuration),
                transportSecurity: Self.transportSecurity(configuration),
                config: .defaults { config in
                    config.backoff.initial = .milliseconds(200)
                    config.backoff.max = .seconds(5)
                    config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
                        Self.installPingAnswering(on: channel)
                    }
                }
            )
        } catch {
            throw TemporalError(
                .invalidConfiguration, "cannot set up the connection to \(configuration.address): \(error)")
        }
        self.grpc = GRPCClient(transport: transport)
        self.service = Service(wrapping: self.grpc)
    }

    /// Maintains the connection until `shutdown()` or cancellation.
    public func run() async throws {
        try await self.grpc.runConnections()
    }

    /// Finishes calls in flight, refuses new ones, and lets `run()` return.
    public func shutdown() {
        self.grpc.beginGracefulShutdown()
    }

    /// Runs `body` with a client whose connection runs beside it, then shuts it down: for
    /// commands that do one thing and exit.
    public static func withClient<Result: Sendable>(
        configuration: TemporalConfiguration,
        counter: RPCCounter = RPCCounter(),
        logger: Logger,
        _ body: @Sendable (TemporalClient) async throws -> Result
    ) async throws -> Result {
        let client = try TemporalClient(configuration: configuration, counter: counter, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { client.shutdown() }
            return try await body(client)
        }
    }

    /// Puts a `PingAnsweringHandler` right before the HTTP/2 handler (after TLS, if any).
    static func installPingAnswering(on channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let http2 = try channel.pipeline.syncOperations.handler(type: NIOHTTP2Handler.self)
            try channel.pipeline.syncOperations.addHandler(PingAnsweringHandler(), position: .before(http2))
        }
    }

    /// An IP literal is an IP target: a DNS target would send it as the TLS server name (SNI),
    /// which TLS forbids and NIOSSL refuses, so no TLS connection to an IP address would ever
    /// open. The certificate is then checked against the address itself.
    static func target(_ configuration: TemporalConfiguration) -> any ResolvableTarget {
        var host = configuration.host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        switch (try? NIOCore.SocketAddress(ipAddress: host, port: configuration.port))?.protocol {
        case .inet?: return .ipv4(address: host, port: configuration.port)
        case .inet6?: return .ipv6(address: host, port: configuration.port)
        default: return .dns(host: host, port: configuration.port)
        }
    }

    static func transportSecurity(_ configuration: TemporalConfiguration)
        -> HTTP2ClientTransport.Posix.TransportSecurity
    {
        guard configuration.usesTLS else { return .plaintext }
        return .tls { tls in
            if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
                tls.certificateChain = [.file(path: certificate, format: .pem)]
                tls.privateKey = .file(path: key, format: .pem)
            }
            if let authority = configuration.tlsCAPath {
                tls.trustRoots = .certificates([.file(path: authority, format: .pem)])
            }
        }
    }

    /// Metadata every call carries: the namespace and, when configured, the API key.
    var metadata: Metadata {
        var metadata = Metadata()
        metadata.addString(self.configuration.namespace, forKey: "temporal-namespace")
        if let key = self.configuration.apiKey {
            metadata.addString("Bearer \(key)", forKey: "authorization")
        }
        return metadata
    }

    /// Calls one RPC with retries on transient failures and maps gRPC errors to
    /// `TemporalError`. `timeout` is the deadline of one attempt (long polls need ~70 s);
    /// `attempts` overrides the configured number of attempts (1 = no retry); `retry` replaces
    /// the whole policy (task answers retry for a minute).
    public func call<Response: Sendable>(
        _ method: String,
        timeout: Duration = .seconds(30),
        attempts: Int? = nil,
        retry: CallRetry? = nil,
        _ body: @Sendable (Service, Metadata, CallOptions) async throws -> Response
    ) async throws(TemporalError) -> Response {
        let policy = retry ?? .attempts(attempts ?? self.configuration.maxAttempts)
        var options = CallOptions.defaults
        options.timeout = timeout
        // The official SDKs' limit: a long history arrives whole.
        options.maxRequestMessageBytes = Self.maxMessageBytes
        options.maxResponseMessageBytes = Self.maxMessageBytes
        let clock = ContinuousClock()
        let started = clock.now
        var attempt = 1
        while true {
            self.counter.record(method)
            do {
                return try await body(self.service, self.metadata, options)
            } catch {
                let mapped = Self.map(error, method: method)
                if !Task.isCancelled { self.failures.record(method, error) }
                guard mapped.isTransient, !Task.isCancelled,
                    policy.allows(attempt: attempt, elapsed: started.duration(to: clock.now))
                else {
                    throw mapped
                }
                self.logger.debug(
                    "retrying Temporal call",
                    metadata: ["temporal.method": "\(method)", "temporal.attempt": "\(attempt)", "error": "\(mapped)"]
                )
                try? await Task.sleep(
                    for: policy.delay(after: attempt, code: mapped.code, random: Double.random(in: 0..<1)))
                attempt += 1
            }
        }
    }

    /// The largest gRPC message sent or received (128 MiB, as the official SDKs).
    public static let maxMessageBytes = 128 * 1024 * 1024

    /// RESOURCE_EXHAUSTED because of a message's size (ours: "exceeded the configured maximum
    /// payload size"; grpc-go's: "message larger than max"), not a rate limit.
    static func isMessageSize(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.contains("maximum payload size") || text.contains("larger than max")
            || text.contains("exceeds size limit") || text.contains("too large")
    }

    static func map(_ error: any Error, method: String) -> TemporalError {
        if let error = error as? TemporalError { return error }
        guard let rpc = error as? RPCError else {
            if error is CancellationError { return TemporalError(.cancelled, "\(method) cancelled") }
            return TemporalError(.other, "\(method): \(error)", cause: error)
        }
        let code: TemporalErrorCode =
            switch rpc.code {
            case .unavailable: .unavailable
            case .alreadyExists: .alreadyExists
            case .notFound: .notFound
            case .invalidArgument: .invalidArgument
            case .resourceExhausted: Self.isMessageSize(rpc.message) ? .messageTooLarge : .resourceExhausted
            case .deadlineExceeded: .deadlineExceeded
            case .cancelled: .cancelled
            case .permissionDenied, .unauthenticated: .permissionDenied
            case .failedPrecondition: .failedPrecondition
            default: .other
            }
        // The cause says why a connection failed (refused, a certificate not trusted, ...).
        let cause = rpc.cause.map { " (\($0))" } ?? ""
        return TemporalError(code, "\(method): \(rpc.code): \(rpc.message)\(cause)", cause: rpc)
    }
}

/// gRPC's metadata type, so that users of `TemporalClient.call` need not import GRPCCore.
public typealias GRPCCoreMetadata = Metadata
/// gRPC's call options type, for the same reason.
public typealias GRPCCoreCallOptions = CallOptions
