/// The `CONNECT` options the client sends: what it speaks (headers, no-responders) and who it
/// is (user/password, token, or an NKEY/JWT proof). Secrets are in it: never logged.
struct NATSConnectOptions: Encodable, Sendable {
    var verbose = false
    var pedantic = false
    var lang = "swift"
    var version = "0.1"
    var `protocol` = 1
    var headers = true
    var noResponders = true
    var name: String
    var user: String?
    var pass: String?
    var authToken: String?
    var nkey: String?
    var jwt: String?
    var sig: String?

    enum CodingKeys: String, CodingKey {
        case verbose, pedantic, lang, version, `protocol`, headers, name, user, pass, nkey, jwt, sig
        case noResponders = "no_responders"
        case authToken = "auth_token"
    }
}
