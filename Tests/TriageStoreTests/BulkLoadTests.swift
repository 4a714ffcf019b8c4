import Foundation
import GRDB
import Testing
import TriageCore

@testable import TriageStore

/// A bulk import into an empty store builds the query indexes once at the end; a store that
/// holds findings keeps them; a load that died half way gets them back at the next open.
@Suite struct BulkLoadTests {
    static func queryIndexes(_ path: URL) throws -> Int {
        try DatabaseQueue(path: path.path).read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'finding_by_%'") ?? -1
        }
    }

    @Test func anEmptyStoreLoadsWithoutIndexesAndEndsWithAll() throws {
        try StoreTestData.withStore { store, path in
            #expect(try Self.queryIndexes(path) == IndexedColumn.allCases.count)
            let inside = try store.bulkLoad { () throws -> Int in
                _ = try store.import(findings: (0..<20).map { StoreTestData.document(id: "f-\($0)") })
                return try Self.queryIndexes(path)
            }
            #expect(inside == 0)
            #expect(try Self.queryIndexes(path) == IndexedColumn.allCases.count)
            let page = try store.findings(
                FindingsQuery(getFindingsRequest: [
                    JSONMember(
                        key: "Filters",
                        value: try JSONParser.parse(
                            Array(#"{"SeverityLabel":[{"Value":"HIGH","Comparison":"EQUALS"}]}"#.utf8)))
                ]), visibleAccounts: nil, after: nil, now: 0)
            #expect(page.findings.count == 20)
        }
    }

    @Test func aStoreWithFindingsKeepsItsIndexes() throws {
        try StoreTestData.withStore { store, path in
            _ = try store.import(findings: [StoreTestData.document(id: "first")])
            let inside = try store.bulkLoad { () throws -> Int in
                _ = try store.import(findings: [StoreTestData.document(id: "second")])
                return try Self.queryIndexes(path)
            }
            #expect(inside == IndexedColumn.allCases.count)
        }
    }

    @Test func aLoadThatDiedGetsItsIndexesAtTheNextOpen() throws {
        try StoreTestData.withStore { store, path in
            try DatabaseQueue(path: path.path).write { db in try StoreSchema.dropQueryIndexes(db) }
            #expect(try Self.queryIndexes(path) == 0)
            _ = try FindingsStore(path: path.path)
            #expect(try Self.queryIndexes(path) == IndexedColumn.allCases.count)
        }
    }
}
