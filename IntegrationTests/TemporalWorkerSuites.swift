import Testing

/// The suites that run Temporal workers through actions held for seconds (cancellation, the
/// worker's capacity, rolling restarts): one test at a time across all three, so that none
/// measures its latencies on a dev server another one keeps busy. Other suites run beside them.
@Suite("Temporal worker runtime against the real services", .serialized)
enum TemporalWorkerSuites {}
