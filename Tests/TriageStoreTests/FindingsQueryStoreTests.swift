import Foundation
import Testing
import TriageCore
import TriageStore

/// `FindingsStore.findings` against real SQLite files: results equal the pure matcher and order
/// applied to the exported findings, pages are exact, cursors are checked.
@Suite struct FindingsQueryStoreTests {
    typealias Data = QueryTestData

    /// Queries over every path: indexed filters (SQL), others (Swift), column and computed orders.
    static let queries = [
        "{}",
        #"{"Filters": {"WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}, {"Value": "SUPPRESSED", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"SeverityLabel": [{"Value": "HIGH", "Comparison": "NOT_EQUALS"}, {"Value": "LO", "Comparison": "PREFIX_NOT_EQUALS"}]}}"#,
        #"{"Filters": {"ComplianceStatus": [{"Value": "PASSED", "Comparison": "NOT_EQUALS"}]}}"#,
        #"{"Filters": {"ComplianceStatus": [{"Value": "ASS", "Comparison": "CONTAINS"}]}}"#,
        #"{"Filters": {"ComplianceStatus": [{"Value": "ASS", "Comparison": "NOT_CONTAINS"}]}}"#,
        #"{"Filters": {"ComplianceStatus": [{"Value": "PA", "Comparison": "PREFIX_NOT_EQUALS"}, {"Value": "FAILED", "Comparison": "NOT_EQUALS"}]}}"#,
        #"{"Filters": {"ComplianceStatus": [{"Value": "PA", "Comparison": "PREFIX"}, {"Value": "FAILED", "Comparison": "EQUALS"}]}, "SortCriteria": [{"Field": "ComplianceStatus", "SortOrder": "desc"}]}"#,
        #"{"Filters": {"Region": [{"Value": "us-", "Comparison": "PREFIX"}], "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"ProductArn": [{"Value": "arn:aws:securityhub:us-east-1::product/aws/inspector", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"AwsAccountId": [{"Value": "111111111111", "Comparison": "EQUALS"}, {"Value": "333333333333", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"UpdatedAt": [{"Start": "2026-01-01T00:10:00Z", "End": "2026-01-01T00:20:00Z"}]}}"#,
        #"{"Filters": {"UpdatedAt": [{"End": "2026-01-01T00:05:00Z"}, {"Start": "2026-01-01T00:30:00Z"}]}}"#,
        #"{"Filters": {"UpdatedAt": [{"DateRange": {"Value": 31, "Unit": "DAYS"}}]}}"#,
        #"{"Filters": {"UpdatedAt": [{"DateRange": {"Value": 31, "Unit": "DAYS", "Comparison": "OLDER_THAN"}}]}}"#,
        #"{"Filters": {"ResourceId": [{"Value": "role-1", "Comparison": "EQUALS"}], "WorkflowStatus": [{"Value": "NOTIFIED", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"ResourceId": [{"Value": "role-1", "Comparison": "NOT_EQUALS"}], "Title": [{"Value": "Title 1", "Comparison": "PREFIX"}]}}"#,
        #"{"Filters": {"Confidence": [{"Gte": 20, "Lt": 60}], "ResourceTags": [{"Key": "env", "Value": "prod", "Comparison": "EQUALS"}]}}"#,
        #"{"Filters": {"Id": [{"Value": "f-1", "Comparison": "PREFIX"}]}, "SortCriteria": [{"Field": "Id", "SortOrder": "desc"}]}"#,
        #"{"Filters": {"Id": [{"Value": "f-7919-1", "Comparison": "EQUALS"}]}}"#,
        #"{"SortCriteria": [{"Field": "ComplianceStatus", "SortOrder": "asc"}], "MaxResults": 37}"#,
        #"{"SortCriteria": [{"Field": "SeverityLabel", "SortOrder": "desc"}], "Filters": {"Confidence": [{"Lte": 50}]}}"#,
        #"{"SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "asc"}], "MaxResults": 13}"#,
        #"{"SortCriteria": [{"Field": "ProductArn", "SortOrder": "desc"}], "MaxResults": 50}"#,
        #"{"SortCriteria": [{"Field": "Confidence", "SortOrder": "desc"}], "MaxResults": 41}"#,
        #"{"SortCriteria": [{"Field": "Title"}, {"Field": "UpdatedAt", "SortOrder": "desc"}], "Filters": {"AwsAccountId": [{"Value": "222222222222", "Comparison": "EQUALS"}]}}"#,
        #"{"SortCriteria": [{"Field": "CreatedAt"}, {"Field": "WorkflowStatus", "SortOrder": "desc"}], "MaxResults": 99}"#,
    ]

    @Test func everyQueryReturnsWhatThePureMatcherSelectsInThePureOrder() throws {
        let shared = try Data.sharedStore(count: 1500)
        let (store, exported) = (shared.store, shared.exported)
        for text in Self.queries {
            let query = try Data.query(text)
            let expected = Data.oracle(exported, query)
            let (got, pages) = try Data.allPages(store, query)
            Data.same(got, expected, text)
            #expect(pages == max(1, (expected.count + query.maxResults - 1) / query.maxResults), "\(text)")
            // With visible accounts too (in SQL).
            let visible: Set<String> = ["222222222222", "555555555555"]
            Data.same(
                try Data.allPages(store, query, visibleAccounts: visible).findings,
                Data.oracle(exported, query, visibleAccounts: visible), "\(text) for \(visible)")
        }
    }

    @Test func findingsAreComposedExactlyAsExportWritesThem() throws {
        try Data.withStore(count: 300) { store in
            var exported: [String: [UInt8]] = [:]
            try store.exportAll { exported[Data.id($0)] = $0 }
            // After updates, the composed state shows.
            let ids = exported.keys.sorted().prefix(20).map { id in
                FindingIdentifier(id: id, productArn: Data.productArns[Int(id.split(separator: "-")[2])! % 3])
            }
            _ = try store.applyRequest(
                identifiers: Array(ids), update: FindingUpdate(note: NoteUpdate(text: "n", updatedBy: "u")),
                now: "2026-02-01T00:00:00.000Z", updatableAccounts: nil)
            exported = [:]
            try store.exportAll { exported[Data.id($0)] = $0 }
            let (pages, _) = try Data.allPages(store, FindingsQuery())
            #expect(pages.count == 300)
            for finding in pages { #expect(exported[Data.id(finding)] == finding) }
        }
    }

    @Test func tenThousandFindingsPageExactlyOnceInTheDefaultOrder() throws {
        let shared = try Data.sharedStore(count: 10_000)
        let query = FindingsQuery()
        let (findings, pages) = try Data.allPages(shared.store, query)
        #expect(pages == 100)
        let ids = findings.map(Data.id)
        #expect(ids.count == 10_000)
        #expect(Set(ids).count == 10_000)
        Data.same(findings, Data.oracle(shared.exported, query))
    }

    @Test(arguments: [false, true])
    func tenThousandFindingsPageExactlyOnceInAColumnOrderWithMissingValuesLast(descending: Bool) throws {
        let shared = try Data.sharedStore(count: 10_000)
        let store = shared.store
        let order = descending ? "desc" : "asc"
        let query = try Data.query(#"{"SortCriteria": [{"Field": "ComplianceStatus", "SortOrder": "\#(order)"}]}"#)
        let (findings, _) = try Data.allPages(store, query)
        let ids = findings.map(Data.id)
        #expect(ids.count == 10_000 && Set(ids).count == 10_000)
        Data.same(findings, Data.oracle(shared.exported, query))
        // A quarter have no Compliance.Status: all of them at the end, in either order.
        let statuses = findings.map { bytes -> String? in
            if case .string(let status)? = (try? JSONParser.parse(bytes))?[key: "Compliance"]?[key: "Status"] {
                return status
            }
            return nil
        }
        #expect(statuses.suffix(2500).allSatisfy { $0 == nil })
        #expect(statuses.prefix(7500).allSatisfy { $0 != nil })
        #expect(statuses.first == (descending ? "WARNING" : "FAILED"))
    }

    /// A computed order reads every finding per page: 4,000 findings keep the test quick (the
    /// column orders above page through 10,000).
    @Test(arguments: [false, true])
    func aComputedOrderPagesExactlyOnceWithMissingValuesLast(descending: Bool) throws {
        let shared = try Data.sharedStore(count: 4_000)
        let store = shared.store
        let order = descending ? "desc" : "asc"
        let query = try Data.query(
            #"{"SortCriteria": [{"Field": "Confidence", "SortOrder": "\#(order)"}], "MaxResults": 100}"#)
        let (findings, _) = try Data.allPages(store, query)
        let ids = findings.map(Data.id)
        #expect(ids.count == 4_000 && Set(ids).count == 4_000)
        Data.same(findings, Data.oracle(shared.exported, query))
        // Every seventh finding has no Confidence: they come last.
        let missing = findings.suffix(572).allSatisfy { bytes in
            (try? JSONParser.parse(bytes))?[key: "Confidence"] == nil
        }
        #expect(missing)
    }

    @Test func visibleAccountsKeepOnlyTheirFindings() throws {
        let store = try Data.sharedStore(count: 500).store
        let all = try Data.allPages(store, FindingsQuery()).findings
        let sets: [Set<String>] = [[], ["111111111111"], ["111111111111", "444444444444"], Set(Data.accounts)]
        for visible in sets {
            let got = try Data.allPages(store, FindingsQuery(), visibleAccounts: visible).findings
            let expected = all.filter { bytes in
                if case .string(let account)? = (try? JSONParser.parse(bytes))?[key: "AwsAccountId"] {
                    return visible.contains(account)
                }
                return false
            }
            Data.same(got, expected, "\(visible)")
            #expect(got.count == visible.count * 100)
        }
        // A filter on accounts meets the visible ones.
        let query = try Data.query(
            #"{"Filters": {"AwsAccountId": [{"Value": "111111111111", "Comparison": "EQUALS"}, {"Value": "222222222222", "Comparison": "EQUALS"}]}}"#
        )
        #expect(
            try Data.allPages(store, query, visibleAccounts: ["222222222222", "333333333333"]).findings.count == 100
        )
        #expect(try Data.allPages(store, query, visibleAccounts: ["333333333333"]).findings.isEmpty)
    }

    @Test func malformedAndForeignCursorsAreRefused() throws {
        let store = try Data.sharedStore(count: 30).store
        let small = try Data.query(#"{"MaxResults": 10}"#)
        let page = try store.findings(small, visibleAccounts: nil, after: nil, now: Data.now)
        let cursor = try #require(page.cursor)
        for bad in [[], [9], Array(cursor.dropLast()), cursor + [0], [UInt8](repeating: 0xFF, count: 40)] {
            let error = #expect(throws: StoreError.self) {
                try store.findings(small, visibleAccounts: nil, after: bad, now: Data.now)
            }
            #expect(error?.code == .invalidCursor)
            #expect(error?.message == "the page cursor is malformed")
        }
        // A cursor of the default order given to a query of another order.
        for other in [
            #"{"SortCriteria": [{"Field": "Title"}]}"#, #"{"SortCriteria": [{"Field": "ComplianceStatus"}]}"#,
        ] {
            let error = #expect(throws: StoreError.self) {
                try store.findings(Data.query(other), visibleAccounts: nil, after: cursor, now: Data.now)
            }
            #expect(error?.code == .invalidCursor)
        }
        // The cursor continues the same query with another page size.
        let next = try store.findings(
            try Data.query(#"{"MaxResults": 20}"#), visibleAccounts: nil, after: cursor, now: Data.now)
        #expect(next.findings.count == 20 && next.cursor == nil)
    }

    @Test func realFindingsFromTheSharedTestData() throws {
        try StoreTestData.withStore { store, _ in
            for (path, at) in StoreTestData.asffFiles {
                _ = try store.import(findings: try StoreTestData.findings(in: path, at: at))
            }
            for text in [
                #"{"Filters": {"ResourceType": [{"Value": "AwsEc2", "Comparison": "PREFIX"}]}}"#,
                #"{"Filters": {"SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}]}}"#,
                #"{"Filters": {"ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}], "Region": [{"Value": "us-east-1", "Comparison": "EQUALS"}]}}"#,
                #"{"Filters": {"Type": [{"Value": "Software and Configuration Checks", "Comparison": "PREFIX"}]}, "SortCriteria": [{"Field": "Title"}]}"#,
                #"{"Filters": {"ProductName": [{"Value": "Security Hub", "Comparison": "EQUALS"}]}, "MaxResults": 2}"#,
                #"{"Filters": {"ResourceTags": [{"Key": "Name", "Value": "x", "Comparison": "NOT_EQUALS"}]}}"#,
                #"{"SortCriteria": [{"Field": "SeverityNormalized", "SortOrder": "desc"}], "MaxResults": 3}"#,
            ] {
                let query = try Data.query(text)
                let expected = try Data.oracle(store, query)
                Data.same(try Data.allPages(store, query).findings, expected, text)
            }
            let highs = try Data.oracle(
                store, try Data.query(#"{"Filters": {"SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}]}}"#))
            #expect(!highs.isEmpty)
        }
    }
}
