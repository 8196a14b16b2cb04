import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system resolver (`getaddrinfo`, so `/etc/hosts` and the search domains apply), on a
/// thread of its own: the call blocks. A cancelled caller returns at once; the lookup ends
/// on its thread and its answer is dropped.
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) async throws -> [IPAddress] {
        let waiter = Waiter()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[IPAddress], any Error>) in
                waiter.install(continuation)
                DispatchQueue.global().async { waiter.finish(Self.lookup(host)) }
            }
        } onCancel: {
            waiter.finish(.failure(CancellationError()))
        }
    }

    static func lookup(_ host: String) -> Result<[IPAddress], any Error> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let reason = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            return .failure(HostResolutionError(host: host, reason: reason))
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry {
            if let address = Self.address(current.pointee), !addresses.contains(address) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        return .success(addresses)
    }

    static func address(_ info: addrinfo) -> IPAddress? {
        guard let socketAddress = info.ai_addr else { return nil }
        switch info.ai_family {
        case AF_INET:
            let v4 = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            return .v4(UInt32(bigEndian: v4.s_addr))
        case AF_INET6:
            var v6 = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            return IPAddress(bytes16: withUnsafeBytes(of: &v6) { Array($0) })
        default:
            return nil
        }
    }

    /// Resumes the caller once: with the lookup's answer or at its cancellation.
    final class Waiter: Sendable {
        private let state = Mutex<(CheckedContinuation<[IPAddress], any Error>?, Result<[IPAddress], any Error>?)>(
            (nil, nil))

        func install(_ continuation: CheckedContinuation<[IPAddress], any Error>) {
            let early = self.state.withLock { state -> Result<[IPAddress], any Error>? in
                if let result = state.1 { return result }
                state.0 = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func finish(_ result: Result<[IPAddress], any Error>) {
            let continuation = self.state.withLock { state -> CheckedContinuation<[IPAddress], any Error>? in
                guard state.1 == nil else { return nil }
                state.1 = result
                defer { state.0 = nil }
                return state.0
            }
            continuation?.resume(with: result)
        }
    }
}
