import NIOCore
import Testing

@testable import NATS

@Suite("NATS protocol parser")
struct NATSProtocolParserTests {
    static func parse(_ chunks: [String]) throws -> [NATSInbound] {
        var parser = NATSProtocolParser()
        var operations: [NATSInbound] = []
        for chunk in chunks {
            parser.feed(ByteBuffer(string: chunk))
            while let operation = try parser.next() { operations.append(operation) }
        }
        return operations
    }

    @Test("control operations")
    func control() throws {
        let operations = try Self.parse([
            "INFO {\"server_id\":\"x\"}\r\nPING\r\nPONG\r\n+OK\r\n-ERR 'Authorization Violation'\r\n"
        ])
        #expect(operations == [.info("{\"server_id\":\"x\"}"), .ping, .pong, .ok, .error("Authorization Violation")])
    }

    @Test("MSG with and without reply subject, payload with CRLF inside")
    func messages() throws {
        let operations = try Self.parse(["MSG a.b 7 5\r\nhello\r\nMSG a.c 8 _INBOX.x 4\r\nx\r\ny\r\n"])
        #expect(
            operations == [
                .message(sid: 7, NATSMessage(subject: "a.b", payload: ByteBuffer(string: "hello"))),
                .message(
                    sid: 8, NATSMessage(subject: "a.c", replyTo: "_INBOX.x", payload: ByteBuffer(string: "x\r\ny"))),
            ])
    }

    @Test("HMSG headers and status")
    func headers() throws {
        let header = "NATS/1.0\r\nNats-Msg-Id: abc\r\nX-Two: 1\r\nX-Two: 2\r\n\r\n"
        let operations = try Self.parse(["HMSG s 3 \(header.utf8.count) \(header.utf8.count + 2)\r\n\(header){}\r\n"])
        guard case .message(3, let message)? = operations.first else {
            Issue.record("expected a message, got \(operations)")
            return
        }
        #expect(message.header("nats-msg-id") == "abc")
        #expect(message.headers["X-Two"] == ["1", "2"])
        #expect(message.payload == ByteBuffer(string: "{}"))
        let noResponders = "NATS/1.0 503\r\n\r\n"
        let status = try Self.parse([
            "HMSG _INBOX.a.1 1 \(noResponders.utf8.count) \(noResponders.utf8.count)\r\n\(noResponders)\r\n"
        ])
        guard case .message(1, let reply)? = status.first else {
            Issue.record("expected a status message, got \(status)")
            return
        }
        #expect(reply.header("Status") == "503")
        let timeout = "NATS/1.0 408 Request Timeout\r\n\r\n"
        let timedOut = try Self.parse(["HMSG i 1 \(timeout.utf8.count) \(timeout.utf8.count)\r\n\(timeout)\r\n"])
        guard case .message(1, let status408)? = timedOut.first else {
            Issue.record("expected a status message, got \(timedOut)")
            return
        }
        #expect(status408.header("Status") == "408")
        #expect(status408.header("Description") == "Request Timeout")
    }

    @Test("operations split at every byte are reassembled")
    func split() throws {
        let text = "PING\r\nMSG a 1 3\r\nabc\r\nPONG\r\n"
        let operations = try Self.parse(text.map { String($0) })
        #expect(
            operations == [
                .ping, .message(sid: 1, NATSMessage(subject: "a", payload: ByteBuffer(string: "abc"))), .pong,
            ])
    }

    @Test("a malformed MSG line is a protocol error")
    func malformed() {
        #expect(throws: NATSProtocolParser.ProtocolError.self) { try Self.parse(["MSG only-subject\r\n"]) }
        #expect(throws: NATSProtocolParser.ProtocolError.self) { try Self.parse(["WHAT\r\n"]) }
    }

    @Test("NATS_URL forms: servers, user/password, token; credentials never in messages")
    func configuration() throws {
        let configuration = try NATSConfiguration(urls: ["nats://u:p%40ss@h1:4223", "token123@h2", "nats://h3"])
        #expect(configuration.servers.map(\.description) == ["h1:4223", "h2:4222", "h3:4222"])
        #expect(configuration.servers[0].user == "u")
        #expect(configuration.servers[0].password == "p@ss")
        #expect(configuration.servers[1].token == "token123")
        #expect(NATSConfiguration.redacted("nats://u:secret@h:1") == "nats://***@h:1")
        #expect(throws: NATSError.self) { try NATSConfiguration(urls: ["http://h"]) }
    }

    @Test("tls:// asks TLS of that server; another scheme is refused without showing the secret")
    func tlsScheme() throws {
        let configuration = try NATSConfiguration(urls: ["nats://h1", "tls://u:secret@h2:4443"])
        #expect(configuration.servers.map(\.requiresTLS) == [false, true])
        #expect(configuration.servers[1].password == "secret")
        do {
            _ = try NATSConfiguration(urls: ["ftp://u:secret@h3"])
            Issue.record("ftp:// was accepted")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("ftp://***@h3"))
            #expect(!error.message.contains("secret"))
        }
    }

    @Test("TLS when the server requires it or when asked for; asked for and not offered is an error")
    func tlsDecision() throws {
        let plain = try NATSConfiguration(urls: ["nats://h"]).servers[0]
        let asked = try NATSConfiguration(urls: ["tls://h"]).servers[0]
        let required = #"{"tls_required":true}"#
        let available = #"{"tls_available":true}"#
        let none = #"{"server_id":"x"}"#
        #expect(try NATSLink.needsTLS(server: plain, tls: NATSTLS(), info: required))
        #expect(try !NATSLink.needsTLS(server: plain, tls: NATSTLS(), info: none))
        #expect(try !NATSLink.needsTLS(server: plain, tls: NATSTLS(), info: available))
        #expect(try NATSLink.needsTLS(server: asked, tls: NATSTLS(), info: available))
        #expect(try NATSLink.needsTLS(server: plain, tls: NATSTLS(caPath: "/ca.pem"), info: available))
        #expect(throws: NATSError.self) { try NATSLink.needsTLS(server: asked, tls: NATSTLS(), info: none) }
        #expect(throws: NATSError.self) {
            try NATSLink.needsTLS(server: plain, tls: NATSTLS(caPath: "/ca.pem"), info: none)
        }
    }

    @Test("the stream and sequence of a JetStream message, from its ack subject (old and new forms)")
    func ackSubject() {
        let old = JetStreamMessage.streamSequence(ackSubject: "$JS.ACK.EVENTS.router.1.42.7.1700000000000000000.3")
        #expect(old?.stream == "EVENTS")
        #expect(old?.sequence == 42)
        let new = JetStreamMessage.streamSequence(
            ackSubject: "$JS.ACK.hub.ACCHASH.EVENTS.router.2.42.8.1700000000000000000.3.tok")
        #expect(new?.stream == "EVENTS")
        #expect(new?.sequence == 42)
        #expect(JetStreamMessage.streamSequence(ackSubject: "_INBOX.abc") == nil)
        #expect(JetStreamMessage.streamSequence(ackSubject: "$JS.ACK.EVENTS.router.1.x.7.1.3") == nil)
        // The delivery count (what dead-lettering counts against max_deliver).
        #expect(JetStreamMessage.deliveryCount(ackSubject: "$JS.ACK.EVENTS.router.3.42.7.1700000000000000000.3") == 3)
        #expect(
            JetStreamMessage.deliveryCount(ackSubject: "$JS.ACK.hub.ACCHASH.EVENTS.router.10.42.8.17000.3.tok") == 10)
        #expect(JetStreamMessage.deliveryCount(ackSubject: "_INBOX.abc") == nil)
    }

    @Test("stream, consumer and subject names are checked as nats-server checks them")
    func names() {
        #expect(NATSNames.nameProblem("ACTIVITY_EVENTS") == nil)
        #expect(NATSNames.nameProblem("activity-core-router") == nil)
        for bad in ["", "a.b", "a*", "a>", "a b", "a/b", "a\\b", "a\tb", String(repeating: "x", count: 256)] {
            #expect(NATSNames.nameProblem(bad) != nil, "\(bad)")
        }
        for good in ["activity.>", "org.>", "gitea.*.push", "a", "a.b*"] {
            #expect(NATSNames.subjectProblem(good) == nil, "\(good)")
        }
        for bad in ["", "a..b", ".a", "a.", "a.>.b", "a b", "a.\u{7}"] {
            #expect(NATSNames.subjectProblem(bad) != nil, "\(bad)")
        }
    }

    @Test("an INFO with tls_required is recognised")
    func tlsRequiredInfo() {
        #expect(NATSLink.requiresTLS(info: #"{"server_id":"x","tls_required":true,"max_payload":1048576}"#))
        #expect(!NATSLink.requiresTLS(info: #"{"server_id":"x","tls_required":false}"#))
        #expect(!NATSLink.requiresTLS(info: #"{"server_id":"x"}"#))
    }
}
