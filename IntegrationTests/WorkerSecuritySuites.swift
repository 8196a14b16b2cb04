import Testing

/// The suites that check the worker's security limits through its executable (outbound
/// policy, secret references, tokens and audit, TLS, HTTP server limits): each starts worker
/// processes, so they run one test at a time among themselves, beside the other suites, and do
/// not add five workers at once to a dev server that the rest of a full run keeps busy (30 s
/// describes were seen in full runs with all of them in parallel).
@Suite("Worker security through the executable", .serialized)
enum WorkerSecuritySuites {}
