import AdminAPI
import Prometheus

/// `/metrics`: the registry every metric of this process is made in, as Prometheus text.
public struct PrometheusExporter: MetricsExporter {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    public func render() async -> String {
        var buffer: [UInt8] = []
        self.registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
