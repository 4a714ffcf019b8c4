import Foundation
import GRDB
import Testing
import TriageCore
import TriageStore
import TriageTestSupport

/// The `v2-query` migration on a store of the `v1-findings` schema: the new columns are filled
/// from the stored findings, the indexes exist, and queries answer as on a new store.
@Suite struct QueryMigrationTests {
    /// Turns the store at `path` back into a `v1-findings` store: no v2 indexes or columns, the
    /// ARN's region in `region`, the migration unrecorded.
    static func downgradeToV1(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let indexes = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'finding_by_%'")
            for index in indexes { try db.execute(sql: "DROP INDEX \(index)") }
            try db.execute(sql: "ALTER TABLE finding DROP COLUMN severity_label")
            try db.execute(sql: "ALTER TABLE finding DROP COLUMN updated_key")
            try db.execute(sql: "UPDATE finding SET region = 'eu-central-1'")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-query'")
        }
        try queue.close()
    }

    @Test func migratingAV1StoreFillsTheNewColumns() throws {
        let directory = TestPaths.temporaryDirectory("query-migration")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("v1.sqlite").path
        let documents = (0..<300).map { QueryTestData.document($0) }
        let expectedPages: [[UInt8]]
        do {
            let store = try FindingsStore(path: path)
            _ = try store.import(findings: documents)
            _ = try store.applyRequest(
                identifiers: [QueryTestData.identifier(1)],
                update: FindingUpdate(severity: SeverityUpdate(normalized: 0)),
                now: "2026-02-01T00:00:00.000Z", updatableAccounts: nil)
            expectedPages = try QueryTestData.allPages(store, FindingsQuery()).findings
        }
        try Self.downgradeToV1(path)
        let reader = try DatabaseQueue(path: path)
        let columns = try reader.read { db in try db.columns(in: "finding").map(\.name) }
        #expect(!columns.contains("severity_label") && !columns.contains("updated_key"))
        try reader.close()
        // Read-only opens refuse the upgrade; an update open runs it.
        var readOnly = StoreOptions()
        readOnly.access = .readOnly
        #expect(throws: StoreError.self) { try FindingsStore(path: path, options: readOnly) }
        var update = StoreOptions()
        update.access = .update
        let store = try FindingsStore(path: path, options: update)
        QueryTestData.same(try QueryTestData.allPages(store, FindingsQuery()).findings, expectedPages)
        let check = try DatabaseQueue(path: path)
        try check.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, region, severity_label, updated_key FROM finding ORDER BY product_arn, id")
            #expect(rows.count == 300)
            #expect(rows.allSatisfy { ($0["updated_key"] as Int64? ?? 0) >= 1_767_225_600_000_000_000 })
            let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as String, $0) })
            let one = try #require(byId[QueryTestData.identifier(1).id])
            #expect(one["severity_label"] as String? == "INFORMATIONAL")  // the customer's label
            let eleven = try #require(byId[QueryTestData.identifier(11).id])
            #expect(eleven["severity_label"] as String? == "LOW")  // the provider's (FindingProviderFields)
            // The Region member, which import sets to the ProductArn's Region (a service-owned member:
            // finding 6's own "us-west-2" was replaced), recomputed for every row.
            let six = try #require(byId[QueryTestData.identifier(6).id])
            #expect(six["region"] as String? == "eu-central-1")
            let seven = try #require(byId[QueryTestData.identifier(7).id])
            #expect(seven["region"] as String? == "us-east-1")
            for row in rows {
                let index = try #require(Int((row["id"] as String).split(separator: "-").last ?? ""))
                let productArn = QueryTestData.identifier(index).productArn
                #expect(row["region"] as String? == ProviderFinding.region(ofProductArn: productArn))
            }
            let indexes = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'finding_by_%' ORDER BY name")
            #expect(indexes.count == 9)
        }
        let plan = try store.queryPlan(
            try QueryTestData.query(#"{"Filters": {"SeverityLabel": [{"Value": "LOW", "Comparison": "EQUALS"}]}}"#),
            visibleAccounts: nil, now: 0)
        #expect(plan.contains { $0.contains("finding_by_severity_label") })
    }
}
