import AdminAPI
import Definitions
import Prometheus
import Synchronization
import Testing

@testable import Worker

@Suite("Missed-fires refresh behind /metrics")
struct MissedFiresRefresherTests {
    /// A catalog that counts its runs and holds each until the test lets it go.
    final class HeldCatalog: DefinitionCatalog {
        let runs = Atomic(0)
        let released = Atomic(false)

        func definitions() async throws -> [JSONValue] {
            self.runs.add(1, ordering: .sequentiallyConsistent)
            while !self.released.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(5)) }
            return []
        }
    }

    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<400 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test("a scrape never waits for the describes; scrapes meanwhile fold into one; at most one per interval")
    func folds() async throws {
        let catalog = HeldCatalog()
        let refresher = MissedFiresRefresher(catalog: catalog, minimumInterval: .seconds(3600))
        let exporter = PrometheusExporter(registry: PrometheusCollectorRegistry(), missedFires: refresher)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await refresher.run() }
            // The catalog is held: every render still answers at once.
            for _ in 0..<10 { _ = await exporter.render() }
            try await Self.eventually { catalog.runs.load(ordering: .sequentiallyConsistent) == 1 }
            catalog.released.store(true, ordering: .sequentiallyConsistent)
            for _ in 0..<10 { _ = await exporter.render() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(catalog.runs.load(ordering: .sequentiallyConsistent) == 1)
            group.cancelAll()
        }
    }

    @Test("with the interval passed, the next scrape refreshes again")
    func refreshesAgain() async throws {
        let catalog = HeldCatalog()
        catalog.released.store(true, ordering: .sequentiallyConsistent)
        let refresher = MissedFiresRefresher(catalog: catalog, minimumInterval: .zero)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await refresher.run() }
            refresher.requestRefresh()
            try await Self.eventually { catalog.runs.load(ordering: .sequentiallyConsistent) == 1 }
            refresher.requestRefresh()
            try await Self.eventually { catalog.runs.load(ordering: .sequentiallyConsistent) == 2 }
            #expect(catalog.runs.load(ordering: .sequentiallyConsistent) == 2)
            group.cancelAll()
        }
    }
}
