import Testing
import TriageCore
import TriageStore

/// `EXPLAIN QUERY PLAN` of the first page: a page filtered on an indexed field in the default
/// order is read from that field's index, in order (no sort of its rows), so it stops when full.
@Suite struct QueryPlanTests {
    typealias Data = QueryTestData

    static let filters: [(field: String, index: String, filter: String)] = [
        ("Id", "finding_by_id", #"[{"Value": "f-1-1", "Comparison": "EQUALS"}]"#),
        ("ProductArn", "finding_by_product_arn", #"[{"Value": "arn:p", "Comparison": "EQUALS"}]"#),
        ("AwsAccountId", "finding_by_aws_account_id", #"[{"Value": "111111111111", "Comparison": "EQUALS"}]"#),
        ("Region", "finding_by_region", #"[{"Value": "us-east-1", "Comparison": "EQUALS"}]"#),
        ("WorkflowStatus", "finding_by_workflow_status", #"[{"Value": "NEW", "Comparison": "EQUALS"}]"#),
        ("RecordState", "finding_by_record_state", #"[{"Value": "ACTIVE", "Comparison": "EQUALS"}]"#),
        ("SeverityLabel", "finding_by_severity_label", #"[{"Value": "HIGH", "Comparison": "EQUALS"}]"#),
        ("ComplianceStatus", "finding_by_compliance_status", #"[{"Value": "FAILED", "Comparison": "EQUALS"}]"#),
        (
            "UpdatedAt", "finding_by_updated_key",
            #"[{"Start": "2026-01-01T00:00:00Z", "End": "2026-01-02T00:00:00Z"}]"#
        ),
    ]

    static func plan(_ store: FindingsStore, _ json: String, visibleAccounts: Set<String>? = nil) throws -> [String] {
        try store.queryPlan(Data.query(json), visibleAccounts: visibleAccounts, now: Data.now)
    }

    static func readsInOrder(_ plan: [String]) -> Bool { !plan.contains { $0.contains("TEMP B-TREE") } }

    @Test(arguments: filters.map(\.field))
    func aFilterOnAnIndexedFieldReadsItsIndexInOrder(field: String) throws {
        let entry = Self.filters.first { $0.field == field }!
        try Data.withStore(count: 200) { store in
            let plan = try Self.plan(store, #"{"Filters": {"\#(field)": \#(entry.filter)}}"#)
            #expect(
                plan.contains {
                    $0.contains("USING INDEX \(entry.index) (") || $0.contains("USING COVERING INDEX \(entry.index) (")
                }, "\(plan)")
            #expect(Self.readsInOrder(plan), "\(plan)")
            // Also with another filter Swift matches, and with the next page's keyset.
            let both = try Self.plan(
                store,
                #"{"Filters": {"\#(field)": \#(entry.filter), "Title": [{"Value": "T", "Comparison": "PREFIX"}]}}"#)
            #expect(both.contains { $0.contains(entry.index) } && Self.readsInOrder(both), "\(both)")
        }
    }

    @Test func severalValuesOrSeveralAccountsAreMergedInOrder() throws {
        try Data.withStore(count: 200) { store in
            let values = try Self.plan(
                store,
                #"{"Filters": {"WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}, {"Value": "NOTIFIED", "Comparison": "EQUALS"}]}}"#
            )
            #expect(values.contains { $0.contains("MERGE (UNION ALL)") }, "\(values)")
            // One range per value and Region of the store (the index holds the Region second), so
            // that a caller who sees some Regions reads exactly theirs: 3 Regions in the test data.
            let regions = 3
            #expect(
                values.filter { $0.contains("USING INDEX finding_by_workflow_status (workflow_status=? AND region=?)") }
                    .count == 2 * regions, "\(values)")
            #expect(Self.readsInOrder(values), "\(values)")
            let accounts = try Self.plan(
                store, "{}", visibleAccounts: ["111111111111", "222222222222", "333333333333"])
            #expect(accounts.filter { $0.contains("finding_by_aws_account_id") }.count == 3 * regions, "\(accounts)")
            #expect(Self.readsInOrder(accounts), "\(accounts)")
            // Without filters, the order's own index.
            let none = try Self.plan(store, "{}")
            #expect(none.contains { $0.contains("finding_by_updated_key") } && Self.readsInOrder(none), "\(none)")
            // Negative and PREFIX filters on indexed fields do not take another index.
            let negative = try Self.plan(
                store,
                #"{"Filters": {"WorkflowStatus": [{"Value": "NEW", "Comparison": "NOT_EQUALS"}], "Region": [{"Value": "us", "Comparison": "PREFIX"}]}}"#
            )
            #expect(
                negative.contains { $0.contains("finding_by_updated_key") } && Self.readsInOrder(negative),
                "\(negative)")
        }
    }

    @Test func aColumnOrderReadsTheColumnsIndex() throws {
        try Data.withStore(count: 200) { store in
            for order in ["asc", "desc"] {
                let plan = try Self.plan(
                    store, #"{"SortCriteria": [{"Field": "ComplianceStatus", "SortOrder": "\#(order)"}]}"#)
                #expect(plan.contains { $0.contains("finding_by_compliance_status") }, "\(plan)")
                // Ties on the column are sorted by ProductArn and Id as they are read.
                #expect(!plan.contains { $0.contains("USE TEMP B-TREE FOR ORDER BY") }, "\(plan)")
            }
        }
    }
}
