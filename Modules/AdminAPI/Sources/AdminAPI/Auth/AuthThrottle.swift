import Outbound
import Synchronization

/// Failed admin authentications per client (an IPv4 address, or an IPv6 /64: one host can
/// use a whole /64), and how long the answer to the next failure waits: nothing for the first
/// four within a minute, then 0.5 s, doubling up to 5 s. A request with a valid token is never
/// held back, and does not clear the count (a read token between guesses at an admin token
/// would). At most `maxAddresses` clients are remembered (the least recent forgotten first),
/// so a flood of addresses cannot grow it without bound.
public final class AuthThrottle: Sendable {
    public static let window = Duration.seconds(60)
    public static let freeFailures = 4
    public static let firstDelay = Duration.milliseconds(500)
    public static let maxDelay = Duration.seconds(5)
    public static let maxAddresses = 10_000

    struct Record {
        var failures: [ContinuousClock.Instant] = []
        var last: ContinuousClock.Instant
    }

    let records = Mutex<[String: Record]>([:])
    let now: @Sendable () -> ContinuousClock.Instant

    public init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// Records a failure from `address`; returns how long its answer waits.
    public func failed(_ address: String) -> Duration {
        let address = Self.client(address)
        let now = self.now()
        return self.records.withLock { records in
            var record = records[address] ?? Record(last: now)
            record.failures = record.failures.filter { now - $0 < Self.window } + [now]
            record.last = now
            records[address] = record
            if records.count > Self.maxAddresses,
                let oldest = records.min(by: { $0.value.last < $1.value.last })?.key
            {
                records[oldest] = nil
            }
            let over = record.failures.count - Self.freeFailures
            guard over > 0 else { return .zero }
            return over >= 5 ? Self.maxDelay : min(Self.maxDelay, Self.firstDelay * (1 << (over - 1)))
        }
    }

    /// The key of an address: itself for IPv4, its /64 for IPv6.
    static func client(_ address: String) -> String {
        guard address.contains(":"), let parsed = IPAddress(address), case .v6(let high, _) = parsed else {
            return address
        }
        return "\(IPAddress.v6(high, 0))/64"
    }
}
