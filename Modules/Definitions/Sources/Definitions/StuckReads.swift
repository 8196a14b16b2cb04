import Synchronization

/// Roots given up because their reading stayed at one path past the deadline, by root
/// identity, shared by every copy of a loader. While that reading has not returned, later
/// loads report the root at once instead of starting another thread that would block on the
/// same mount: a file system that never answers costs one thread per root, not one per sync.
final class StuckReads: Sendable {
    private let readings = Mutex<[String: RootReading]>([:])

    init() {}

    /// The given-up reading of this root, while it has not returned.
    func reading(of identity: String) -> RootReading? {
        self.readings.withLock { readings in
            guard let reading = readings[identity] else { return nil }
            if reading.hasReturned {
                readings[identity] = nil
                return nil
            }
            return reading
        }
    }

    func record(_ reading: RootReading, identity: String) {
        self.readings.withLock { $0[identity] = reading }
    }
}
