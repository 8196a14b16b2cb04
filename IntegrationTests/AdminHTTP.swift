import AsyncHTTPClient
import Foundation
import NATS
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A running `activity-core worker` and its admin API.
struct WorkerUnderTest {
    let process: Process
    let log: URL
    /// Standard output.
    let output: URL
    let port: Int
    let token: String

    /// Starts a worker and waits until it serves HTTP and finished its startup sync.
    static func start(environment: [String: String], token: String) async throws -> WorkerUnderTest {
        var environment = environment
        environment["ACTIVITY_ADMIN_TOKEN"] = token
        environment["ACTIVITY_HTTP_PORT"] = "0"
        let level = environment["LOG_LEVEL"] ?? ""
        environment["LOG_LEVEL"] = ["debug", "trace"].contains(level) ? level : "info"
        let (process, out, err) = try ActivityCoreProcess.start(["worker"], environment: environment)
        let text = try await ActivityCoreProcess.waitForLog(
            "worker running", in: err, of: process, timeout: .seconds(60))
        guard let port = Self.port(in: text) else {
            process.terminate()
            throw WorkerUnderTestError("the worker did not report its HTTP port: \(text)")
        }
        return WorkerUnderTest(process: process, log: err, output: out, port: port, token: token)
    }

    /// From `http.port=NNN` (text logs) or `"http.port":"NNN"` (JSON logs).
    static func port(in log: String) -> Int? {
        guard let range = log.range(of: #"http\.port("?[=:]"?)(\d+)"#, options: .regularExpression) else {
            return nil
        }
        return Int(log[range].filter(\.isNumber))
    }

    var logText: String { (try? String(contentsOf: self.log, encoding: .utf8)) ?? "" }
    var outputText: String { (try? String(contentsOf: self.output, encoding: .utf8)) ?? "" }

    /// The value of one Prometheus sample (`name{labels}` exactly as exposed), or nil.
    func metric(_ sample: String) async throws -> Double? {
        let text = try await self.call(.GET, "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    /// Polls the metric `sample` until it differs from `before` (at most 10 s); returns it.
    func metric(_ sample: String, changedFrom before: Double) async throws -> Double {
        var value = before
        for _ in 0..<100 where value == before {
            try await Task.sleep(for: .milliseconds(100))
            value = try await self.metric(sample) ?? 0
        }
        return value
    }

    /// Waits (at most 10 s) until the event stream exists: the router makes it on its first
    /// pull, just after startup, and an event published before is kept by no stream.
    static func waitForStream(_ name: String, js: JetStream) async throws {
        for _ in 0..<100 where try await js.streamSubjects(name) == nil {
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Polls `GET /admin/runs?activity_id=` until `done` holds for the list, for at most
    /// `timeout`; returns the last list.
    func runs(
        of activityID: String, timeout: Duration = .seconds(60), until done: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + timeout
        var runs: [[String: Any]] = []
        repeat {
            runs = try await self.call(.GET, "/admin/runs?activity_id=\(activityID)").list
            if done(runs) { return runs }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        return runs
    }

    struct Answer {
        var status: Int
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any] ?? [:] }
        var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: self.body)) as? [[String: Any]] ?? [] }
        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    func call(_ method: HTTPMethod, _ path: String, token: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(self.port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token ?? self.token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), body: Data(buffer: body))
    }

    func stop() async throws -> Int32 {
        try await ActivityCoreProcess.terminate(self.process)
        return self.process.terminationStatus
    }
}

struct WorkerUnderTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
