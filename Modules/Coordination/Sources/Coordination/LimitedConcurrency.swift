/// Work over many items with a bound on how much runs at once (describes or writes to
/// Temporal, 16 at a time), results in the items' order.
public enum LimitedConcurrency {
    /// Runs `body` for each item, at most `limit` at a time, and returns the outputs in the
    /// order of `items`. When `giveUp` answers an output with a stand-in, the items not yet
    /// started are not run: each gets the stand-in's output (say, "not attempted: Temporal is
    /// unavailable"), and the ones in flight finish.
    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item],
        limit: Int,
        giveUp: (Output) -> (@Sendable (Item) -> Output)? = { _ in nil },
        _ body: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        await withTaskGroup(of: Indexed<Output>.self) { group in
            var outputs = [Output?](repeating: nil, count: items.count)
            var pending = items.indices[...]
            var standIn: (@Sendable (Item) -> Output)?
            func startNext() {
                guard let index = pending.popFirst() else { return }
                let item = items[index]
                group.addTask { Indexed(index: index, output: await body(item)) }
            }
            for _ in 0..<max(1, limit) { startNext() }
            for await done in group {
                outputs[done.index] = done.output
                if standIn == nil { standIn = giveUp(done.output) }
                if let standIn {
                    while let index = pending.popFirst() { outputs[index] = standIn(items[index]) }
                } else {
                    startNext()
                }
            }
            // Every index was either run or stood in for; callers zip the outputs with the items.
            let filled = outputs.compactMap { $0 }
            precondition(filled.count == items.count, "an item got no output")
            return filled
        }
    }

    /// A child task's output and its item's position. A struct, not a tuple: a task group
    /// whose child result was a tuple holding a `Result` crashed in release builds here.
    private struct Indexed<Output: Sendable>: Sendable {
        var index: Int
        var output: Output
    }
}
