import Foundation
import Testing

@testable import NATS

@Suite("NKEYs and credentials files")
struct NKeyTests {
    /// The user key pair of the NATS documentation's NKEY example (the public key checked
    /// against Python's `cryptography` ed25519 when this test was written).
    static let seed = "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY"
    static let publicKey = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"

    @Test("a user seed gives its public key; a seed written back from its bytes is the same text")
    func knownPair() throws {
        let key = try NKey(seed: Self.seed + "\n")
        #expect(key.role == .user)
        #expect(key.publicKey == Self.publicKey)
        let raw = try #require(Base32.decode(Self.seed))
        #expect(NKey.seed(role: .user, raw: Array(raw[2..<34])) == Self.seed)
    }

    @Test("the nonce's signature is base64url ed25519 that the public key verifies")
    func signature() throws {
        let key = try NKey(seed: Self.seed)
        let signature = try key.sign("abcNONCE123")
        #expect(!signature.contains("=") && !signature.contains("+") && !signature.contains("/"))
        var base64 = signature.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let bytes = try #require(Data(base64Encoded: base64))
        #expect(bytes.count == 64)
        #expect(key.verify(bytes, of: "abcNONCE123"))
        #expect(!key.verify(bytes, of: "another nonce"))
    }

    @Test("a broken seed is refused without repeating it: checksum, letters, length, not a seed")
    func refused() {
        var flipped = Array(Self.seed)
        flipped[20] = flipped[20] == "A" ? "B" : "A"
        for text in [String(flipped), "SU" + String(repeating: "1", count: 56), "SUACSSL3", Self.publicKey, ""] {
            do {
                _ = try NKey(seed: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.code == .invalidConfiguration)
                #expect(text.isEmpty || !error.message.contains(text), "\(error.message)")
            }
        }
    }

    @Test(".creds: the JWT and the seed blocks are read; the CONNECT gets the JWT and a signature, no nkey")
    func credsFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nkey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let creds = folder.appendingPathComponent("user.creds").path
        try """
        -----BEGIN NATS USER JWT-----
        eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln
        ------END NATS USER JWT------

        ************************* IMPORTANT *************************
        NKEY Seed printed below can be used to sign and prove identity.

        -----BEGIN USER NKEY SEED-----
        \(Self.seed)
        ------END USER NKEY SEED------

        *************************************************************
        """.write(toFile: creds, atomically: true, encoding: .utf8)
        let proof = try NATSCredentials.creds(path: creds).proof(nonce: "n0nce")
        #expect(proof.jwt == "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.c2ln")
        #expect(proof.nkey == nil && proof.signature?.isEmpty == false)
        let line = NATSLink.connectLine(
            server: try NATSConfiguration.server("nats://127.0.0.1:4222"), name: "t", proof: proof)
        #expect(line.contains(#""jwt":"eyJ0eX"#) && line.contains(#""sig":""#) && !line.contains(Self.seed))

        let seedFile = folder.appendingPathComponent("user.nk").path
        try Self.seed.write(toFile: seedFile, atomically: true, encoding: .utf8)
        let nkey = try NATSCredentials.nkeySeed(path: seedFile).proof(nonce: nil)
        #expect(nkey.nkey == Self.publicKey && nkey.jwt == nil && nkey.signature == nil)

        let notCreds = folder.appendingPathComponent("other.creds").path
        try "just text\n".write(toFile: notCreds, atomically: true, encoding: .utf8)
        #expect(throws: NATSError.self) { try NATSCredentials.creds(path: notCreds).validate() }
        #expect(throws: NATSError.self) { try NATSCredentials.nkeySeed(path: folder.path + "/missing").validate() }
    }
}
