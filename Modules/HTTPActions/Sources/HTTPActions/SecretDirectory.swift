import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `ACTIVITY_SECRETS_DIR`: one file per secret, named by its key (a mounted Kubernetes
/// Secret). A file is read at each request, so a rotated Secret is used as soon as the
/// kubelet has updated the mount. One trailing line break is not part of the value.
public struct SecretDirectory: SecretSource {
    /// A secret larger than this is refused (a header value, not a file to upload).
    public static let maxBytes = 16 * 1024

    /// Nil when `ACTIVITY_SECRETS_DIR` is not set: every reference then fails.
    public let path: String?

    public init(path: String?) {
        self.path = path
    }

    public func value(of name: String) throws(SecretError) -> String {
        let reference = "${secret:\(name)}"
        guard let path = self.path else {
            throw SecretError("\(reference): ACTIVITY_SECRETS_DIR is not set")
        }
        // The name was checked when the definition was read (no '/', no leading '.'); a row
        // stored otherwise is refused here too.
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw SecretError("\(reference) names no secret")
        }
        let file = URL(fileURLWithPath: path).appendingPathComponent(name)
        // Followed through the mount's symlinks; a FIFO or device would block the read.
        var status = stat()
        guard stat(file.path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw SecretError("\(reference): no readable file \(name) in ACTIVITY_SECRETS_DIR (\(path))")
        }
        guard let handle = try? FileHandle(forReadingFrom: file) else {
            throw SecretError("\(reference): no readable file \(name) in ACTIVITY_SECRETS_DIR (\(path))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            // Nil at the end of the file: an empty one.
            data = try handle.read(upToCount: Self.maxBytes + 1) ?? Data()
        } catch {
            throw SecretError("\(reference): the file \(name) in ACTIVITY_SECRETS_DIR cannot be read")
        }
        guard data.count <= Self.maxBytes else {
            throw SecretError("\(reference): the file is larger than \(Self.maxBytes) bytes")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\r\n") {
            text.removeLast(1)  // "\r\n" is one Character
        } else if text.hasSuffix("\n") {
            text.removeLast()
        }
        guard !text.isEmpty else { throw SecretError("\(reference): the file is empty") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7f }) else {
            throw SecretError("\(reference): the value holds a line break or another control character")
        }
        return text
    }
}
