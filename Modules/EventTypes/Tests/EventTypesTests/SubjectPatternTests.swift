import Testing

@testable import EventTypes

@Suite("NATS subject patterns")
struct SubjectPatternTests {
    @Test("matching follows NATS: * is one token, a final > one or more")
    func matching() {
        #expect(SubjectPattern.matches("gitea.*.push", "gitea.a.push"))
        #expect(!SubjectPattern.matches("gitea.*.push", "gitea.a.b.push"))
        #expect(!SubjectPattern.matches("gitea.*.push", "gitea.push"))
        #expect(SubjectPattern.matches("gitea.>", "gitea.a.b"))
        #expect(!SubjectPattern.matches("gitea.>", "gitea"))
        #expect(SubjectPattern.matches("a.b", "a.b"))
        #expect(!SubjectPattern.matches("a.b", "a.c"))
        // A token holding a wildcard beside other characters is a literal.
        #expect(!SubjectPattern.matches("a.b*", "a.bc"))
    }

    @Test("covers, collides and the more specific of two patterns")
    func relations() {
        #expect(SubjectPattern.covers("acc.>", "acc.*.push"))
        #expect(!SubjectPattern.covers("acc.*.push", "acc.>"))
        #expect(SubjectPattern.collide("a.*.c", "a.b.*"))
        #expect(!SubjectPattern.covers("a.*.c", "a.b.*") && !SubjectPattern.covers("a.b.*", "a.*.c"))
        #expect(!SubjectPattern.collide("a.b", "a.c"))
        #expect(!SubjectPattern.collide("a.*", "a.b.c"))
        #expect(SubjectPattern.moreSpecific("acc.*.push", than: "acc.>"))
        #expect(SubjectPattern.moreSpecific("a.b.*", than: "a.*.c"))
        #expect(!SubjectPattern.moreSpecific("acc.>", than: "acc.*.push"))
    }

    @Test("the stream's subjects never overlap: covered ones are left out, a wider one replaces narrower ones")
    func streamSubjects() {
        // Issue 12: acc.*.push and acc.> together were refused by JetStream.
        let (subjects, left) = SubjectPattern.streamSubjects(
            configured: ["it.>"], extra: ["acc.*.push", "acc.>", "it.x", "gitea.a.push"])
        #expect(Set(subjects) == ["it.>", "acc.>", "gitea.a.push"])
        #expect(left.isEmpty)
        for (index, first) in subjects.enumerated() {
            for second in subjects[(index + 1)...] { #expect(!SubjectPattern.collide(first, second)) }
        }
        // Two that overlap without either covering the other: the second is left out, named.
        let partial = SubjectPattern.streamSubjects(configured: [], extra: ["a.*.c", "a.b.*"])
        #expect(partial.subjects.count == 1 && partial.left.count == 1)
        #expect(Set(partial.subjects + partial.left) == ["a.*.c", "a.b.*"])
    }
}
