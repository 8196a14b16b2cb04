import Foundation
import Testing

@testable import Definitions

/// Generated and mutated definition files through the parser and validator: truncations,
/// byte flips, inserted YAML syntax, random nesting, alias chains, BOM and CRLF/CR mixes.
/// Nothing may crash, and every problem must be located inside the file. A hang shows as
/// the suite's time limit; each input is small and the limits bound the rest.
@Suite("Loader fuzzing", .timeLimit(.minutes(3)))
struct LoaderFuzzTests {
    /// SplitMix64: small, fast and the same sequence for the same seed on every machine.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(self.next() % UInt64(max(bound, 1))) }
        mutating func chance(_ percent: Int) -> Bool { self.below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[self.below(items.count)] }
    }

    static let seeds: [(name: String, text: String)] = [
        (
            "cron.yaml",
            """
            type: activity-definition
            id: coulomb-daily-digest
            name: Coulomb daily digest
            enabled: true
            trigger:
              type: cron
              cron_expression: "0 6 * * *"
              timezone: Europe/Berlin
              misfire_policy: catchup_latest
              jitter_seconds: 30
            action:
              type: http
              url: https://hooks.example/digest?team=a
              headers: {X-Team: coulomb}
              timeout_seconds: 300
              retry: {max_attempts: 3, initial_interval_seconds: 1, backoff: 2.0, max_interval_seconds: 60}
            input: {window: 24h, list: [1, 2.5, true, null, "x"]}
            context_sources: [a, b]

            """
        ),
        (
            "event.md",
            """
            ---
            id: push-review
            trigger:
              type: event
              event_type: repo.push
              filters: {attributes.repo: coulomb/app}
            action: {type: nats.publish, subject: reports.review}
            ---
            # Push review

            Body text with --- inside.

            """
        ),
        (
            "many.yaml",
            """
            type: event-type
            id: repo.push
            subject: gitea.repo.push
            ---
            id: manual
            defaults: &defaults {owner: platform, enabled: false}
            <<: *defaults
            action: {type: echo}
            ---
            id: anchored
            base: &base [1, 2, 3]
            input: {copy: *base, more: [*base, *base]}

            """
        ),
    ]

    /// The issue 23 files: a byte order mark before CRLF and CR line breaks, as Windows editors
    /// write them, in YAML and in front matter.
    static let bomSeeds: [(name: String, text: String)] = [
        (
            "bom-crlf.yaml",
            "\u{FEFF}type: activity-definition\r\nid: bom-test\r\ntrigger: {type: cron, cron_expression: \"0 6 * * *\"}\r\naction: {type: echo}\r\n"
        ),
        (
            "bom-cr.md",
            "\u{FEFF}---\rtype: activity-definition\rid: bom-md\rtrigger: {type: cron, cron_expression: \"0 6 * * *\"}\raction: {type: echo}\r---\r# Doc\r"
        ),
    ]

    static let syntax = Array("[]{}:&*!|>-?#,'\"\n\r\t <<%@`\u{FEFF}\u{0}\\")

    static func mutate(_ seed: String, _ random: inout Random) -> Data {
        var text = seed
        switch random.below(10) {
        case 0:  // line endings: CRLF, CR or a mix, maybe a BOM
            let newline = random.pick(["\r\n", "\r", "\n"])
            text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line + (random.chance(30) ? random.pick(["\r\n", "\r", "\n"]) : newline)
            }.joined()
            if random.chance(50) { text = "\u{FEFF}" + text }
        case 1:  // random nesting around the input
            let depth = random.below(120)
            let open = random.chance(50) ? "[" : "{a: "
            let close = open == "[" ? "]" : "}"
            text +=
                "nested: " + String(repeating: open, count: depth) + "x" + String(repeating: close, count: depth) + "\n"
        case 2:  // an alias chain of random width and depth
            let width = 1 + random.below(12)
            let levels = 1 + random.below(9)
            text += "l0: &l0 [" + Array(repeating: "x", count: width).joined(separator: ", ") + "]\n"
            for level in 1..<levels {
                text +=
                    "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: width).joined(separator: ", ")
                    + "]\n"
            }
            if random.chance(20) { text += "? *l\(levels - 1)\n: key\n" }
        case 3:  // inserted YAML syntax
            var characters = Array(text)
            for _ in 0..<(1 + random.below(6)) {
                characters.insert(random.pick(Self.syntax), at: random.below(characters.count + 1))
            }
            text = String(characters)
        case 4:  // a line repeated or removed
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let index = random.below(lines.count)
            if random.chance(50) { lines.insert(lines[index], at: index) } else { lines.remove(at: index) }
            text = lines.joined(separator: "\n")
        case 5:  // many documents
            text = Array(repeating: text, count: 1 + random.below(4)).joined(separator: "---\n")
        case 6:  // integers written in base 60 (Yams' own reading traps past Int64), some huge
            let parts = 1 + random.below(14)
            let value = (0..<parts).map { _ in String(random.below(60)) }.joined(separator: ":")
            let key = random.pick(["timeout_seconds", "max_attempts", "jitter_seconds", "x"])
            text += "\(key): \(random.chance(50) ? "-" : "")1:\(value)\n"
        case 7:  // a large anchored string copied by aliases
            let size = 1 + random.below(20_000)
            let copies = 1 + random.below(12)
            text += "big: &big \"\(String(repeating: "y", count: size))\"\n"
            text += "copies: [" + Array(repeating: "*big", count: copies).joined(separator: ", ") + "]\n"
        default:
            break
        }
        var bytes = Array(text.utf8)
        switch random.below(4) {
        case 0:  // truncated
            bytes = Array(bytes.prefix(random.below(bytes.count + 1)))
        case 1:  // bytes flipped (may leave invalid UTF-8)
            for _ in 0..<(1 + random.below(4)) where !bytes.isEmpty {
                bytes[random.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
            }
        default:
            break
        }
        return Data(bytes)
    }

    /// Lines of the file as the loader counts them (LF, CRLF, CR).
    static func lineCount(_ data: Data) -> Int {
        UTF8Text.line(atOffset: data.count, in: data)
    }

    @Test("the byte-order-mark seeds are valid as written", arguments: Self.bomSeeds.map(\.name))
    func bomSeedsValid(name: String) throws {
        let text = try #require(Self.bomSeeds.first { $0.name == name }?.text)
        let file = DefinitionFileParser.parse(data: Data(text.utf8), path: "/fuzz/\(name)", relativePath: name)
        #expect(file.issues.map(\.description) == [])
        #expect(file.documents.count == 1)
    }

    @Test("10,000 generated and mutated files: no crash, every problem located in its file")
    func fuzz() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["ACTIVITY_FUZZ_SEED"] ?? "") ?? 0x5EED_0011
        var random = Random(state: seed)
        // Small limits, so that the limit paths are taken often too.
        let limits = DefinitionLimits(maxFileBytes: 64 * 1_024, maxDepth: 64, maxNodes: 10_000, maxDocuments: 8)
        var outcomes: [String: Int] = [:]
        var slowest = Duration.zero
        for index in 0..<10_000 {
            let (name, text) = random.pick(Self.seeds + Self.bomSeeds)
            let data = Self.mutate(text, &random)
            let path = "/fuzz/\(index)-\(name)"
            let start = ContinuousClock.now
            let file = DefinitionFileParser.parse(data: data, path: path, relativePath: name, limits: limits)
            slowest = max(slowest, ContinuousClock.now - start)
            let lines = Self.lineCount(data)
            // Every fourth input again with a byte order mark in front (all of them would double
            // the suite's time, on a core the integration tests need too).
            if index % 4 == 0 {
                Self.expectSameWithBOM(
                    data, file: file, path: path, name: name, limits: limits, seed: seed, index: index)
            }
            // A long synchronous loop would hold one of the concurrency pool's threads (two on
            // this machine) for the whole suite, starving the integration tests' clients.
            if index % 50 == 0 { await Task.yield() }
            for issue in file.issues + file.warnings.map(\.issue) {
                let located =
                    issue.location.path == path && issue.location.column >= 1
                    && (1...(lines + 1)).contains(issue.location.line) && !issue.message.isEmpty
                #expect(located, "seed \(seed), input \(index): \(issue) (file has \(lines) lines)")
                outcomes[issue.code.rawValue, default: 0] += 1
                if !located { return }
            }
            if file.isValid {
                outcomes["valid", default: 0] += 1
                continue
            }
            // A failing file keeps the stored state of every id it names and of what was
            // stored from it: with emptying allowed, still nothing is written or retired.
            // (The ids it names were stored from elsewhere: the file may be where they moved.)
            let elsewhere = DefinitionSource(root: "/fuzz", path: "elsewhere.yaml")
            let stored =
                file.mentionedActivityIDs.sorted().map {
                    StoredRecord(document: ActivityDefinition(id: $0, document: .null), source: elsewhere)
                } + [
                    StoredRecord(
                        document: ActivityDefinition(id: "held-by-\(index)", document: .null),
                        source: DefinitionSource(root: "/fuzz", path: name))
                ]
            let plan = DocumentSyncPlan<ActivityDefinition>(
                load: LoadResult(roots: [LoadedRoot(root: "/fuzz", identity: "/fuzz", files: [file])]), stored: stored,
                allowEmpty: true)
            #expect(plan.changes.isEmpty, "seed \(seed), input \(index): \(plan.entries)")
        }
        // Each input is bounded by the limits; a hang would show here (or as the time limit).
        #expect(slowest < .seconds(10), "slowest input took \(slowest)")
        // The generator reaches the paths it is meant to: valid files, syntax errors, limits,
        // encodings and validation errors all occur.
        for outcome in ["valid", "syntax", "limit", "encoding", "invalidValue"] {
            #expect((outcomes[outcome] ?? 0) > 0, "no \(outcome) outcome in \(outcomes)")
        }
    }

    /// A byte order mark in front of a file changes nothing: the same documents, issues and
    /// locations (the columns of line 1 as an editor shows them). Only byte counts differ:
    /// the offset of an invalid byte and a size near the limit.
    static func expectSameWithBOM(
        _ data: Data, file: ParsedFile, path: String, name: String, limits: DefinitionLimits, seed: UInt64, index: Int
    ) {
        guard !data.starts(with: [0xEF, 0xBB, 0xBF]) else { return }
        let marked = DefinitionFileParser.parse(
            data: Data([0xEF, 0xBB, 0xBF]) + data, path: path, relativePath: name, limits: limits)
        let countsBytes: Set<DefinitionIssue.Code> = [.encoding, .limit]
        guard !(file.issues + marked.issues).contains(where: { countsBytes.contains($0.code) }) else { return }
        #expect(marked == file, "seed \(seed), input \(index): a BOM changed \(file.issues) into \(marked.issues)")
    }

    /// What a generated root holds at one name.
    enum Entry: CaseIterable {
        case regular, fifo, socket, deviceLink, linkToFile, danglingLink, loop, folder
    }

    @Test("generated roots of regular files, FIFOs, sockets, device links, broken links and folders load at once")
    func fileTypes() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["ACTIVITY_FUZZ_SEED"] ?? "") ?? 0x5EED_0023
        var random = Random(state: seed)
        let limits = DefinitionLimits(maxFileBytes: 64 * 1_024, maxDocuments: 8)
        let loader = DefinitionLoader(limits: limits)
        var seen: Set<String> = []
        for round in 0..<40 {
            await Task.yield()
            let tree = try TemporaryTree()
            defer { tree.remove() }
            var expected: [String: Entry] = [:]
            var contents: [String: Data] = [:]
            for slot in 0..<(1 + random.below(12)) {
                let (seedName, seedText) = random.pick(Self.seeds + Self.bomSeeds)
                let name = "\(slot)-\(seedName)"
                let path = tree.path + "/" + name
                let entry = random.pick(Entry.allCases)
                switch entry {
                case .regular, .linkToFile:
                    let data = Self.mutate(seedText, &random)
                    let target = entry == .regular ? path : tree.path + "/.target-\(slot)"
                    try data.write(to: URL(fileURLWithPath: target))
                    if entry == .linkToFile {
                        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
                    }
                    contents[name] = data
                case .fifo:
                    try #require(mkfifo(path, 0o644) == 0)
                case .socket:
                    try SpecialFileTests.bindSocket(at: path)
                case .deviceLink:
                    try FileManager.default.createSymbolicLink(
                        atPath: path,
                        withDestinationPath: random.pick(["/dev/zero", "/dev/null", "/dev/tty", "/dev/urandom"]))
                case .danglingLink:
                    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path + ".gone")
                case .loop:
                    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path)
                case .folder:
                    // A folder with a definition extension is walked, not read.
                    try tree.write(name + "/inner.yaml", seedText)
                    contents[name + "/inner.yaml"] = Data(seedText.utf8)
                }
                expected[name] = entry
                seen.insert("\(entry)")
            }
            let start = ContinuousClock.now
            let root = loader.load(root: tree.path)
            #expect(ContinuousClock.now - start < .seconds(10), "seed \(seed), round \(round)")
            #expect(root.isComplete, "seed \(seed), round \(round): \(root.issues)")
            let files = Dictionary(uniqueKeysWithValues: root.files.map { ($0.relativePath, $0) })
            #expect(Set(files.keys) == Set(contents.keys).union(expected.filter { $0.value != .folder }.keys))
            for (name, data) in contents {
                // A regular file (or a link to one) reads as its bytes parse.
                let path = tree.path + "/" + name
                let parsed = DefinitionFileParser.parse(data: data, path: path, relativePath: name, limits: limits)
                #expect(files[name] == parsed, "seed \(seed), round \(round): \(name)")
            }
            for (name, entry) in expected where contents[name] == nil && entry != .folder {
                let issues = files[name]?.issues ?? []
                let code: DefinitionIssue.Code =
                    [.danglingLink, .loop].contains(entry) ? .unresolvableLink : .notRegularFile
                #expect(issues.map(\.code) == [code], "seed \(seed), round \(round): \(name) (\(entry)): \(issues)")
                #expect(issues.allSatisfy { $0.location == SourceLocation(path: tree.path + "/" + name) })
            }
        }
        #expect(seen.count == Entry.allCases.count, "entries generated: \(seen)")
    }
}
