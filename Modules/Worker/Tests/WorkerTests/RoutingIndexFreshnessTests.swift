import Definitions
import EventTypes
import Foundation
import Postgres
import Testing

@testable import Worker

@Suite("The routing index while notifications are down")
struct RoutingIndexFreshnessTests {
    static func eventDefinition(_ id: String) -> StoredRecord<ActivityDefinition> {
        StoredRecord(
            document: ActivityDefinition(
                id: id, trigger: .event(EventTrigger(eventType: "t")), document: .null),
            source: DefinitionSource(root: "/r", path: "\(id).yaml"))
    }

    @Test("with LISTEN down each batch reads the generations and picks up a change; with LISTEN up it reads nothing")
    func beforeBatch() async throws {
        let definitions = InMemoryDocumentStore<ActivityDefinition>()
        let eventTypes = InMemoryDocumentStore<EventTypeDefinition>()
        let listener = ListenerState()
        let provider = StoreRoutingIndexProvider(
            definitions: definitions, eventTypes: eventTypes, listener: listener)
        #expect(try await provider.currentIndex().definitionCount == 0)
        _ = try await definitions.apply(StoreChanges(upserts: [Self.eventDefinition("a")], retirements: []))

        listener.setListening(true)
        let readsBefore = await provider.reads
        await provider.beforeBatch()
        #expect(await provider.reads == readsBefore)
        #expect(try await provider.currentIndex().definitionCount == 0)

        listener.setListening(false)
        await provider.beforeBatch()
        #expect(await provider.reads == readsBefore + 1)
        #expect(try await provider.currentIndex().definitionCount == 1)
    }
}
