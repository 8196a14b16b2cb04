import Foundation
import Testing

@testable import Definitions

/// `DefinitionLoader` with a `ParseCache`: what is parsed again, and that a cached load is
/// the load a fresh parse gives.
@Suite("ParseCache")
struct ParseCacheTests {
    static func definition(_ id: String, cron: String = "@daily") -> String {
        "id: \(id)\ntrigger: {type: cron, cron_expression: \"\(cron)\"}\n"
    }

    @Test("a second load of unchanged files parses nothing and gives the same result")
    func unchangedFilesAreNotParsed() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        for index in 0..<5 { try tree.write("activity-definitions/d\(index).yaml", Self.definition("d\(index)")) }
        try tree.write(
            "activity-definitions/broken.yaml", "id: broken\ntrigger: {type: cron, cron_expression: \"61 * * * *\"}\n")
        let cache = ParseCache()
        let loader = DefinitionLoader(cache: cache)
        let first = loader.load(roots: [tree.path])
        #expect(cache.lastLoad == ParseCache.Counts(hits: 0, misses: 6))
        let second = loader.load(roots: [tree.path])
        #expect(cache.lastLoad == ParseCache.Counts(hits: 6, misses: 0))
        #expect(second == first)
        #expect(second == DefinitionLoader().load(roots: [tree.path]))
        #expect(second.allIssues.count == 1)
    }

    @Test("a root of many files is parsed on every core into the load one file at a time gives")
    func manyFilesParsedAtOnce() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        for index in 0..<150 {
            let name = String(format: "activity-definitions/d%03d.yaml", index)
            try tree.write(name, index % 10 == 7 ? "id: d\(index)\ntrigger: [" : Self.definition("d\(index)"))
        }
        let cache = ParseCache()
        let loaded = DefinitionLoader(cache: cache).load(roots: [tree.path])
        #expect(cache.lastLoad == ParseCache.Counts(hits: 0, misses: 150))
        let files = try #require(loaded.roots.first?.files)
        #expect(files.map(\.relativePath) == (0..<150).map { String(format: "activity-definitions/d%03d.yaml", $0) })
        #expect(
            files.filter { !$0.isValid }.map(\.relativePath)
                == files.map(\.relativePath).filter { $0.hasSuffix("7.yaml") })
        // One at a time (each root's files through the single-file path) gives the same files.
        let single = files.map { file in
            DefinitionLoader().load(roots: [tree.path + "/" + file.relativePath]).roots[0].files[0].documents
        }
        #expect(files.map(\.documents) == single)
        #expect(DefinitionLoader(cache: cache).load(roots: [tree.path]) == loaded)
        #expect(cache.lastLoad == ParseCache.Counts(hits: 150, misses: 0))
    }

    @Test("an edited file is parsed again; a removed one leaves the cache")
    func editedAndRemoved() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("a.yaml", Self.definition("a"))
        try tree.write("b.yaml", Self.definition("b"))
        let cache = ParseCache()
        let loader = DefinitionLoader(cache: cache)
        _ = loader.load(roots: [tree.path])
        try tree.write("a.yaml", Self.definition("a", cron: "0 6 * * *"))
        try FileManager.default.removeItem(atPath: tree.path + "/b.yaml")
        let edited = loader.load(roots: [tree.path])
        #expect(cache.lastLoad == ParseCache.Counts(hits: 0, misses: 1))
        #expect(cache.count == 1)
        let trigger = edited.roots.first?.files.first?.documents.first?.document
        #expect(
            trigger == DefinitionLoader().load(roots: [tree.path]).roots.first?.files.first?.documents.first?.document)
        guard case .activity(let definition)? = trigger, case .cron(let cron) = definition.trigger else {
            Issue.record("a.yaml did not load as a cron definition: \(String(describing: trigger))")
            return
        }
        #expect(cron.cronExpression == "0 6 * * *")
    }

    @Test("the same text at another path is parsed for that path: messages name the right file")
    func pathIsPartOfTheKey() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let broken = "id: x\ntrigger: {type: cron, cron_expression: \"61 * * * *\"}\n"
        try tree.write("one/x.yaml", broken)
        let cache = ParseCache()
        let loader = DefinitionLoader(cache: cache)
        _ = loader.load(roots: [tree.path + "/one"])
        try tree.write("two/x.yaml", broken)
        let second = loader.load(roots: [tree.path + "/two"])
        #expect(cache.lastLoad.misses == 1)
        #expect(second.allIssues.first?.location.path == tree.path + "/two/x.yaml")
    }
}
