import Synchronization

/// Applied schedules in memory, for unit tests.
public final class InMemoryAppliedScheduleStore: AppliedScheduleStore {
    private let rows = Mutex<[String: AppliedSchedule]>([:])

    public init() {}

    public func applied() async throws -> [String: AppliedSchedule] {
        self.rows.withLock { $0 }
    }

    public func recordApplied(
        scheduleID: String, specHash: String, paused: Bool, observedSpec: String?, supersededSpec: String?
    ) async throws {
        self.rows.withLock {
            $0[scheduleID] = AppliedSchedule(
                specHash: specHash, paused: paused, observedSpec: observedSpec,
                supersededSpec: observedSpec == nil ? supersededSpec : nil)
        }
    }

    public func recordDrift(scheduleID: String, fields: [String]) async throws {
        self.rows.withLock { $0[scheduleID]?.drift = fields }
    }

    public func recordObservedSpec(scheduleID: String, observedSpec: String) async throws {
        self.rows.withLock {
            $0[scheduleID]?.observedSpec = observedSpec
            $0[scheduleID]?.supersededSpec = nil
        }
    }

    public func recordPaused(scheduleID: String, paused: Bool) async throws {
        self.rows.withLock { $0[scheduleID]?.paused = paused }
    }

    public func removeApplied(scheduleID: String) async throws {
        _ = self.rows.withLock { $0.removeValue(forKey: scheduleID) }
    }
}
