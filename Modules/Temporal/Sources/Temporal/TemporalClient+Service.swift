import ServiceLifecycle

/// Runs a `TemporalClient`'s connection as a ServiceLifecycle service: started with the
/// group, shut down gracefully (calls in flight finish) when the group stops.
public struct TemporalClientService: Service, CustomStringConvertible {
    public let client: TemporalClient

    public init(client: TemporalClient) {
        self.client = client
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.client.run()
        } onGracefulShutdown: {
            self.client.shutdown()
        }
    }
}

extension TemporalClient {
    /// Asks the server for its capabilities: a cheap call that tells whether Temporal answers
    /// at this address with these credentials.
    public func checkConnection(timeout: Duration = .seconds(5)) async throws(TemporalError) {
        let request = Temporal_Api_Workflowservice_V1_GetSystemInfoRequest()
        _ = try await self.call("GetSystemInfo", timeout: timeout) { [request] service, metadata, options in
            try await service.getSystemInfo(request, metadata: metadata, options: options)
        }
    }
}

extension TemporalClientService {
    /// What ServiceLifecycle logs of this service: its name, never its fields (they hold the
    /// configuration and its secrets).
    public var description: String { "TemporalClientService" }
}

extension TemporalClient {
    /// Checks that the configured namespace exists and these credentials may use it:
    /// `.notFound` or `.permissionDenied` when not, `.unavailable` (and the like) when
    /// Temporal cannot be asked.
    public func checkNamespace(timeout: Duration = .seconds(5)) async throws(TemporalError) {
        _ = try await self.describeNamespace(timeout: timeout, attempts: 2)
    }

    /// The configured namespace as Temporal describes it (its capabilities among the rest).
    func describeNamespace(timeout: Duration, attempts: Int) async throws(TemporalError)
        -> Temporal_Api_Workflowservice_V1_DescribeNamespaceResponse
    {
        var request = Temporal_Api_Workflowservice_V1_DescribeNamespaceRequest()
        request.namespace = self.configuration.namespace
        return try await self.call("DescribeNamespace", timeout: timeout, attempts: attempts) {
            [request] service, metadata, options in
            try await service.describeNamespace(request, metadata: metadata, options: options)
        }
    }
}
