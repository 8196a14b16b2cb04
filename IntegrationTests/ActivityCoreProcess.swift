import Foundation

/// Runs the built `activity-core` executable, which sits beside the test bundle.
struct ActivityCoreProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside the test bundle, or `ACTIVITY_CORE_BIN` (to run these tests
    /// against another build, such as the commit before a fix).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["ACTIVITY_CORE_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "activity-core")
    }

    /// The environment for a run against the test server in `schema`.
    static func environment(schema: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = TestDatabase.urlText
        environment["ACTIVITY_DB_SCHEMA"] = schema
        environment["LOG_LEVEL"] = "warning"
        // A stream and subjects of its own, so that workers of parallel tests never share events.
        environment["ACTIVITY_EVENT_STREAM"] = "IT_" + schema.uppercased()
        environment["ACTIVITY_EVENT_SUBJECTS"] = "it.\(schema).>"
        // JetStream reserves a stream's max_bytes from its storage: 1 GiB per test stream
        // would run a machine with little free disk out of it ("insufficient storage").
        environment["ACTIVITY_EVENT_MAX_BYTES"] = "16777216"
        // A port of its own (read back from the "http server listening" log line).
        environment["ACTIVITY_HTTP_PORT"] = "0"
        // Tests aim http actions at receivers on loopback, as local development does; a test
        // of the outbound policy passes its own (empty) value.
        environment["ACTIVITY_HTTP_ALLOW"] = "127.0.0.0/8,::1/128"
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// A worker's environment: `environment(schema:)` plus a definitions root, a schedule
    /// prefix, a task queue of its own and the test Temporal.
    static func workerEnvironment(
        schema: String, definitions: String, prefix: String = TestTemporal.newPrefix(),
        extra: [String: String] = [:]
    ) -> [String: String] {
        var settings = [
            "ACTIVITY_DEFINITION_DIRS": definitions, "ACTIVITY_SCHEDULE_PREFIX": prefix,
            "ACTIVITY_TASK_QUEUE": "it-tq-\(UUID().uuidString.prefix(8).lowercased())",
            "TEMPORAL_ADDRESS": TestTemporal.address,
        ]
        settings.merge(extra) { _, new in new }
        return Self.environment(schema: schema, extra: settings)
    }

    /// Starts the process with output going to temporary files (a full pipe would block it).
    static func start(_ arguments: [String], environment: [String: String]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = environment
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "activity-core-out-\(UUID().uuidString)")
        let out = base.appendingPathExtension("stdout")
        let err = base.appendingPathExtension("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return (process, out, err)
    }

    /// Waits (at most `timeout`) until the log file at `log` contains `text` or the process
    /// ended; returns the log.
    static func waitForLog(_ text: String, in log: URL, of process: Process, timeout: Duration = .seconds(60))
        async throws -> String
    {
        var contents = ""
        let deadline = ContinuousClock.now + timeout
        while !contents.contains(text) && process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            contents = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        return contents
    }

    /// Waits for `process` to end without holding a thread: the test run's cooperative
    /// threads are two here, and a blocking `waitUntilExit` in one test stalls every other.
    static func exit(of process: Process) async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// Lets a short cleanup process (psql) end on a thread of its own: nobody waits for it.
    static func reapInBackground(_ process: Process) {
        DispatchQueue.global().async { process.waitUntilExit() }
    }

    /// Sends SIGTERM and waits (at most `timeout`) for the process to end; a process still
    /// running then is killed. Returns how long it took.
    @discardableResult
    static func terminate(_ process: Process, timeout: Duration = .seconds(10)) async throws -> Duration {
        let start = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning && ContinuousClock.now - start < timeout {
            try await Task.sleep(for: .milliseconds(50))
        }
        let elapsed = ContinuousClock.now - start
        if process.isRunning {
            // A process that ignores SIGTERM must not outlive the test run (the caller's
            // expectations on the exit status fail instead).
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return elapsed
    }

    /// Runs the command to its end; one still running after `timeout` is killed (a hang is
    /// then a failed expectation on its status, not a test run that never ends).
    static func run(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(120))
        async throws -> Outcome
    {
        let (process, out, err) = try Self.start(arguments, environment: environment)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Outcome(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}
