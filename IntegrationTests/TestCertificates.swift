import Foundation

/// A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made
/// with the `openssl` command, in a temporary folder.
struct TestCertificates: ~Copyable {
    let folder: TemporaryFolder

    var caCertificate: String { self.folder.path + "/ca.pem" }
    var serverCertificate: String { self.folder.path + "/server.pem" }
    var serverKey: String { self.folder.path + "/server.key" }
    var clientCertificate: String { self.folder.path + "/client.pem" }
    var clientKey: String { self.folder.path + "/client.key" }
    /// A CA that signed nothing here: trusting only it must fail.
    var otherCACertificate: String { self.folder.path + "/other-ca.pem" }

    init() async throws {
        let folder = try TemporaryFolder()
        let dir = folder.path
        try folder.write("server.ext", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        try folder.write("client.ext", "extendedKeyUsage=clientAuth\n")
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=it-ca",
            "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem",
        ])
        try await Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=it-other-ca",
            "-keyout", dir + "/other-ca.key", "-out", dir + "/other-ca.pem",
        ])
        for name in ["server", "client"] {
            try await Self.openssl([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=it-\(name)",
                "-keyout", dir + "/\(name).key", "-out", dir + "/\(name).csr",
            ])
            try await Self.openssl([
                "x509", "-req", "-in", dir + "/\(name).csr", "-CA", dir + "/ca.pem",
                "-CAkey", dir + "/ca.key", "-CAcreateserial", "-days", "1", "-extfile", dir + "/\(name).ext",
                "-out", dir + "/\(name).pem",
            ])
        }
        self.folder = folder
    }

    /// Runs `openssl`, waiting without holding a thread (key generation takes a while).
    static func openssl(_ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let errors = try FileHandle(forWritingTo: log)
        defer { try? errors.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        await ActivityCoreProcess.exit(of: process)
        let output = (try? Data(contentsOf: log)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw TestCertificatesError(
                "openssl \(arguments.first ?? "") failed: \(String(decoding: output, as: UTF8.self))")
        }
    }
}

struct TestCertificatesError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
