import Synchronization

/// Roots given up because their reading stayed at one path past the deadline, by the root as
/// configured, shared by every copy of a loader. While that reading has not returned, later
/// loads report the root at once instead of starting another thread that would block on the
/// same mount: a file system that never answers costs one thread per root, not one per sync.
final class StuckReads: Sendable {
    private let readings = Mutex<[String: RootReading]>([:])

    init() {}

    /// The given-up reading of this root, while it has not returned.
    func reading(of root: String) -> RootReading? {
        self.readings.withLock { readings in
            guard let reading = readings[root] else { return nil }
            if reading.hasReturned {
                readings[root] = nil
                return nil
            }
            return reading
        }
    }

    func record(_ reading: RootReading, root: String) {
        self.readings.withLock { $0[root] = reading }
    }
}
