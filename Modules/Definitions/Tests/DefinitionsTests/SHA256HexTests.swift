import Foundation
import Testing

@testable import Definitions

/// The one content-hash form: lowercase hex of SHA-256, checked against FIPS 180-2 vectors.
@Suite("SHA-256 hex")
struct SHA256HexTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, hex: String) {
        #expect(SHA256Hex.of(Data(input.utf8)) == hex)
        #expect(SHA256Hex.of(Array(input.utf8)) == hex)
    }
}
