import Testing

/// The suites that run Temporal workers through actions held for seconds (cancellation, the
/// worker's capacity, rolling restarts) and the NATS cluster faults (three more nats-server
/// processes and a worker per test): one test at a time across all of them, so that none
/// measures its latencies on a dev server another one keeps busy, and the two cores are not
/// shared by all of them at once. Other suites run beside them. The suites run in the order
/// of their files' names: the NATS cluster's first, while every other suite starts workers
/// too (its bounds are wide), and the cancellation suite, whose latencies are the tightest,
/// after that busiest minute.
@Suite("Temporal worker runtime against the real services", .serialized)
enum TemporalWorkerSuites {}
