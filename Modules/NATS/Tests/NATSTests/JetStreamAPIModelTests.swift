import Foundation
import Testing

@testable import NATS

/// The JetStream API as Codable models: what is sent, what is read, and what an update keeps.
@Suite("JetStream API models")
struct JetStreamAPIModelTests {
    /// A `STREAM.INFO` answer of nats-server 2.10, with settings this client does not model.
    static let streamInfo = Data(
        """
        {"type":"io.nats.jetstream.api.v1.stream_info_response","total":0,"offset":0,"limit":0,
         "config":{"name":"EVENTS","subjects":["a.>"],"retention":"limits","max_consumers":-1,
          "max_msgs":-1,"max_bytes":1073741824,"max_age":604800000000000,"max_msgs_per_subject":-1,
          "max_msg_size":-1,"discard":"old","storage":"file","num_replicas":3,"duplicate_window":120000000000,
          "compression":"s2","allow_direct":true,"mirror_direct":false,"sealed":false,"deny_delete":false,
          "deny_purge":false,"allow_rollup_hdrs":false,"consumer_limits":{},
          "subject_transform":{"src":"a.>","dest":"b.>"},"metadata":{"owner":"ops"}},
         "created":"2026-12-07T09:13:50.095862561Z",
         "state":{"messages":42,"bytes":4200,"first_seq":1,"last_seq":42,"consumer_count":1}}
        """.utf8)

    @Test("STREAM.INFO: typed settings, the creation time, the message count, and the configuration as sent")
    func streamInfo() throws {
        let info = try JSONDecoder().decode(JetStream.StreamInfo.self, from: Self.streamInfo)
        #expect(info.error == nil)
        #expect(info.configuration?.subjects == ["a.>"])
        #expect(info.configuration?.replicas == 3)
        #expect(info.configuration?.maxAge == 604_800_000_000_000)
        #expect(info.configuration?.maxBytes == 1_073_741_824)
        #expect(info.created == "2026-12-07T09:13:50.095862561Z")
        #expect(info.state?.messages == 42)
        // An update sends this back: the settings not modelled are there, numbers exact.
        #expect(info.rawConfiguration?["compression"] == .string("s2"))
        #expect(info.rawConfiguration?["subject_transform"]?["dest"] == .string("b.>"))
        #expect(info.rawConfiguration?["duplicate_window"] == .integer(120_000_000_000))
        #expect(info.rawConfiguration?["metadata"]?["owner"] == .string("ops"))
    }

    @Test("an error answer: not found is told apart, and a refusal names what was tried with JetStream's words")
    func errors() throws {
        let data = Data(#"{"error":{"code":404,"err_code":10059,"description":"stream not found"}}"#.utf8)
        let info = try JSONDecoder().decode(JetStream.StreamInfo.self, from: data)
        let error = try #require(info.error)
        #expect(error.isNotFound)
        #expect(info.configuration == nil)
        let failure = error.failure(doing: "stream info EVENTS")
        #expect(failure.code == .serverError)
        #expect(failure.message == "JetStream refused to stream info EVENTS: stream not found (code 10059)")
    }

    @Test("a pull asks for its batch, expiry and idle heartbeat in nanoseconds; no heartbeat, no key")
    func pullRequest() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let with = JetStream.PullRequest(
            batch: 10, expires: JetStream.nanoseconds(.seconds(20)),
            idleHeartbeat: JetStream.heartbeat(for: .seconds(20)).map(JetStream.nanoseconds))
        #expect(
            String(decoding: try encoder.encode(with), as: UTF8.self)
                == #"{"batch":10,"expires":20000000000,"idle_heartbeat":5000000000}"#)
        let without = JetStream.PullRequest(batch: 1, expires: 100_000_000, idleHeartbeat: nil)
        #expect(String(decoding: try encoder.encode(without), as: UTF8.self) == #"{"batch":1,"expires":100000000}"#)
    }

    @Test("a consumer made again starts at a sequence; its request names the stream and the configuration")
    func createConsumer() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let request = JetStream.CreateConsumer(
            stream: "EVENTS",
            configuration: .init(
                durableName: "router", ackPolicy: "explicit", deliverPolicy: "by_start_sequence",
                ackWait: 30_000_000_000, maxDeliver: -1, startSequence: 17))
        #expect(
            String(decoding: try encoder.encode(request), as: UTF8.self)
                == #"{"config":{"ack_policy":"explicit","ack_wait":30000000000,"deliver_policy":"by_start_sequence","durable_name":"router","max_deliver":-1,"opt_start_seq":17},"stream_name":"EVENTS"}"#
        )
    }

    @Test("STREAM.NAMES: the subject is encoded as JSON, whatever it holds")
    func streamNames() throws {
        let request = JetStream.StreamNamesRequest(subject: #"odd"subject\"#)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(request)) as? [String: String]
        #expect(object == ["subject": #"odd"subject\"#])
        let names = try JSONDecoder().decode(JetStream.StreamNames.self, from: Data(#"{"streams":["A"]}"#.utf8))
        #expect(names.streams == ["A"] && names.error == nil)
    }

    @Test("CONNECT: only the credentials given are sent")
    func connectOptions() throws {
        let plain = NATSLink.connectLine(server: try NATSConfiguration.server("nats://127.0.0.1:4222"), name: "w")
        #expect(plain.hasPrefix("CONNECT {") && plain.hasSuffix("}\r\n"))
        let json = try JSONSerialization.jsonObject(with: Data(plain.utf8.dropFirst(8).dropLast(2))) as? [String: Any]
        #expect(json?["headers"] as? Bool == true && json?["no_responders"] as? Bool == true)
        #expect(json?["name"] as? String == "w" && json?["protocol"] as? Int == 1)
        for key in ["user", "pass", "auth_token", "nkey", "jwt", "sig"] { #expect(json?[key] == nil, "\(key)") }
        let withUser = NATSLink.connectLine(
            server: try NATSConfiguration.server("nats://ann:s3cret@127.0.0.1:4222"), name: "w")
        #expect(withUser.contains(#""user":"ann""#) && withUser.contains(#""pass":"s3cret""#))
    }
}
