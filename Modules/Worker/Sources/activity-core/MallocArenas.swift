#if canImport(Glibc)
    import Glibc
#endif

/// glibc's malloc arenas, limited before any thread starts.
///
/// glibc gives threads up to eight arenas per core, and each keeps the memory freed into it;
/// with the worker's tasks hopping between threads, the resident size then creeps up for a
/// long while after start (`Tools/bench/soak`, 10,000 runs after a 1,000-run warm-up: +6.7 MiB
/// with glibc's default, +2.3 MiB and flat after 4,000 runs with two arenas). `MALLOC_ARENA_MAX`,
/// when set, is glibc's to apply and is left alone.
enum MallocArenas {
    static let limit: Int32 = 2
    /// `M_ARENA_MAX` of glibc's `malloc.h`, which Swift's Glibc module does not import.
    static let arenaMaxOption: Int32 = -8

    static func limit(environment: [String: String]) {
        #if canImport(Glibc)
            guard environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(nil, "mallopt") else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: Mallopt.self)(Self.arenaMaxOption, Self.limit)
        #endif
    }
}
