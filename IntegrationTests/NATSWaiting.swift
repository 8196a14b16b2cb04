import Foundation
import NATS

/// Waits on a NATS subscription for the first message `matching` holds for, for at most
/// `timeout` (nil when none came).
enum NATSWaiting {
    static func first(
        _ subscription: NATSSubscription, timeout: Duration, matching: @escaping @Sendable (NATSMessage) -> Bool
    ) async -> NATSMessage? {
        await withTaskGroup(of: NATSMessage?.self) { group in
            group.addTask {
                for await message in subscription where matching(message) { return message }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
