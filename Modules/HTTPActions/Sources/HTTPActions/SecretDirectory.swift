import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `ACTIVITY_SECRETS_DIR`: one file per secret, named by its key (a mounted Kubernetes
/// Secret). A file is read at each request, so a rotated Secret is used as soon as the
/// kubelet has updated the mount. One trailing line break is not part of the value.
///
/// Definitions are written by whoever can push to a definitions root, and any of them may name
/// any secret. A file `NAME.hosts` beside `NAME` (host names, `*.suffix` or addresses, one a
/// line) limits where `NAME` is sent: a request to another host fails without it.
public struct SecretDirectory: SecretSource {
    /// A secret larger than this is refused (a header value, not a file to upload).
    public static let maxBytes = 16 * 1024

    /// Nil when `ACTIVITY_SECRETS_DIR` is not set: every reference then fails.
    public let path: String?

    public init(path: String?) {
        self.path = path
    }

    public func value(of name: String, forHost host: String) throws(SecretError) -> String {
        let reference = "${secret:\(name)}"
        guard let path = self.path else {
            throw SecretError("\(reference): ACTIVITY_SECRETS_DIR is not set")
        }
        // The name was checked when the definition was read (no '/', no leading '.'); a row
        // stored otherwise is refused here too.
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), !name.hasSuffix(".hosts") else {
            throw SecretError("\(reference) names no secret")
        }
        try self.checkHosts(of: name, path: path, host: host)
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

    /// Throws when `NAME.hosts` exists and does not list `host`.
    func checkHosts(of name: String, path: String, host: String) throws(SecretError) {
        let file = URL(fileURLWithPath: path).appendingPathComponent(name + ".hosts").path
        guard FileManager.default.fileExists(atPath: file) else { return }
        guard let data = FileManager.default.contents(atPath: file), data.count <= 65_536 else {
            throw SecretError("${secret:\(name)}: \(name).hosts cannot be read")
        }
        let entries = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let target = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        let allowed = entries.contains { entry in
            let entry = entry.lowercased()
            if entry.hasPrefix("*.") { return target.hasSuffix(String(entry.dropFirst(1))) }
            return entry.trimmingCharacters(in: CharacterSet(charactersIn: "[].")) == target
        }
        guard allowed else {
            throw SecretError("${secret:\(name)} may be sent only to the hosts in \(name).hosts, not to \(host)")
        }
    }
}
