import Foundation
import GRDB
import Synchronization
import Testing
import TriageCore
import TriageStore
import TriageTestSupport

/// Regions kept apart in the store (`docs/serve.md`, Regions): a query sees, an update changes and
/// an import writes only the findings of the caller's Regions; the read plans stay on an index in
/// order; a store migrated from `v1-findings` keeps every finding, each in its Region.
@Suite struct StoreRegionTests {
    typealias Data = QueryTestData

    /// The Region of an exported finding, as the store's `region` column holds it: its `Region`
    /// if a string, else the Region of its `ProductArn`.
    static func region(of finding: JSONValue) -> String {
        if case .string(let region)? = finding[key: "Region"] { return region }
        if case .string(let productArn)? = finding[key: "ProductArn"] {
            return ProviderFinding.region(ofProductArn: productArn)
        }
        return ""
    }

    /// Every page of `query` for a caller of `accounts` (nil: all) in `regions`.
    static func allPages(
        _ store: FindingsStore, _ query: FindingsQuery, accounts: Set<String>? = nil, regions: Set<String>?
    ) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        var cursor: [UInt8]?
        repeat {
            let page = try store.findings(
                query, visibleAccounts: accounts, visibleRegions: regions, after: cursor, now: Data.now)
            #expect(page.cursor == nil || page.findings.count == query.maxResults)
            out += page.findings
            cursor = page.cursor
        } while cursor != nil
        return out
    }

    /// The Region sets a caller may see: one Region, an aggregation Region with a linked one, a
    /// Region of no finding, none.
    static let regionSets: [Set<String>] = [
        ["us-east-1"], ["eu-west-1", "eu-central-1"], ["ap-south-1"], [],
    ]

    @Test func aQuerySeesOnlyTheFindingsOfItsRegions() throws {
        let shared = try Data.sharedStore(count: 1500)
        let (store, exported) = (shared.store, shared.exported)
        var seen = 0
        for regions in Self.regionSets {
            let visible = exported.filter { regions.contains(Self.region(of: $0.finding)) }
            seen += visible.count
            for text in FindingsQueryStoreTests.queries {
                let query = try Data.query(text)
                Data.same(
                    try Self.allPages(store, query, regions: regions), Data.oracle(visible, query),
                    "\(text) in \(regions)")
                let accounts: Set<String> = ["111111111111", "444444444444"]
                Data.same(
                    try Self.allPages(store, query, accounts: accounts, regions: regions),
                    Data.oracle(visible, query, visibleAccounts: accounts), "\(text) in \(regions) for \(accounts)")
            }
        }
        // The sets cover every Region of the data (the ProductArns' Regions: import sets `Region` to it).
        #expect(seen == exported.count)
        #expect(Set(exported.map { Self.region(of: $0.finding) }) == ["us-east-1", "eu-west-1", "eu-central-1"])
    }

    static func plan(_ store: FindingsStore, _ json: String, accounts: Set<String>? = nil, regions: Set<String>?)
        throws -> [String]
    {
        try store.queryPlan(Data.query(json), visibleAccounts: accounts, visibleRegions: regions, now: Data.now)
    }

    static func readsInOrder(_ plan: [String]) -> Bool { !plan.contains { $0.contains("TEMP B-TREE") } }

    @Test func theRegionKeepsTheReadOnAnIndexInOrder() throws {
        try Data.withStore(count: 400) { store in
            // No filter: the Region's own index range (not every row of the order's index).
            let regionOnly = try Self.plan(store, "{}", regions: ["us-east-1"])
            #expect(regionOnly.contains { $0.contains("USING INDEX finding_by_region (region=?") }, "\(regionOnly)")
            #expect(Self.readsInOrder(regionOnly), "\(regionOnly)")
            // An aggregation Region and two linked ones: three ranges merged in order.
            let three = try Self.plan(store, "{}", regions: ["us-east-1", "eu-west-1", "us-west-2"])
            #expect(three.filter { $0.contains("finding_by_region") }.count == 3, "\(three)")
            #expect(Self.readsInOrder(three), "\(three)")
            // Visible accounts and Regions: one range per (account, Region), exactly their rows.
            let accounts: Set<String> = ["111111111111", "222222222222", "333333333333"]
            let pairRange = "USING INDEX finding_by_aws_account_id (aws_account_id=? AND region=?)"
            let byPair = try Self.plan(store, "{}", accounts: accounts, regions: ["us-east-1"])
            #expect(byPair.filter { $0.contains(pairRange) }.count == 3 && Self.readsInOrder(byPair), "\(byPair)")
            let byPairs = try Self.plan(store, "{}", accounts: ["111111111111"], regions: ["us-east-1", "eu-west-1"])
            #expect(byPairs.filter { $0.contains(pairRange) }.count == 2 && Self.readsInOrder(byPairs), "\(byPairs)")
            // Too many pairs: the Regions' ranges, the accounts a term.
            let many = Set((0..<30).map { String(format: "1%011d", $0) })
            let byRegion = try Self.plan(
                store, "{}", accounts: many, regions: ["us-east-1", "eu-west-1", "eu-central-1"])
            #expect(
                byRegion.filter { $0.contains("USING INDEX finding_by_region (region=?)") }.count == 3
                    && Self.readsInOrder(byRegion), "\(byRegion)")
            // An indexed EQUALS filter keeps its own index: one range per (value, Region) for the
            // columns of few values, the Region a term for Id.
            for (field, index, value, range) in [
                ("AwsAccountId", "finding_by_aws_account_id", "111111111111", "aws_account_id=? AND region=?"),
                ("WorkflowStatus", "finding_by_workflow_status", "NEW", "workflow_status=? AND region=?"),
                ("SeverityLabel", "finding_by_severity_label", "HIGH", "severity_label=? AND region=?"),
                ("RecordState", "finding_by_record_state", "ACTIVE", "record_state=? AND region=?"),
                ("ComplianceStatus", "finding_by_compliance_status", "FAILED", "compliance_status=? AND region=?"),
                ("Id", "finding_by_id", "f-1-1", "id=?"),
            ] {
                let json = #"{"Filters": {"\#(field)": [{"Value": "\#(value)", "Comparison": "EQUALS"}]}}"#
                for regions: Set<String> in [["us-east-1"], ["us-east-1", "eu-west-1"]] {
                    let plan = try Self.plan(store, json, accounts: accounts, regions: regions)
                    let ranges = plan.filter { $0.contains("USING INDEX \(index) (\(range)") }.count
                    #expect(ranges == (index == "finding_by_id" ? 1 : regions.count), "\(field) \(regions): \(plan)")
                    #expect(Self.readsInOrder(plan), "\(field) \(regions): \(plan)")
                }
            }
            // A Region filter of the caller's own is the driving filter; another Region's matches nothing.
            let own = try Self.plan(
                store, #"{"Filters": {"Region": [{"Value": "us-east-1", "Comparison": "EQUALS"}]}}"#,
                regions: ["us-east-1"])
            #expect(own.contains { $0.contains("finding_by_region") } && Self.readsInOrder(own), "\(own)")
            let other = try Self.plan(
                store, #"{"Filters": {"Region": [{"Value": "eu-west-1", "Comparison": "EQUALS"}]}}"#,
                regions: ["us-east-1"])
            #expect(other.isEmpty, "\(other)")
            #expect(try Self.plan(store, "{}", regions: []).isEmpty)
        }
    }

    @Test func anUpdateChangesOnlyTheFindingsOfItsRegions() throws {
        try StoreTestData.withStore { store, _ in
            let east = "arn:aws:securityhub:us-east-1::product/aws/guardduty"
            let west = "arn:aws:securityhub:eu-west-1::product/aws/guardduty"
            let south = "arn:aws:securityhub:ap-southeast-2::product/aws/guardduty"
            _ = try store.import(findings: [
                StoreTestData.document(id: "east", productArn: east),
                StoreTestData.document(id: "west", productArn: west),
                // A Region member the provider sent does not move it: import sets it to the ProductArn's.
                StoreTestData.document(id: "south", productArn: south, ["Region": #""us-east-1""#]),
            ])
            let identifiers = [
                FindingIdentifier(id: "east", productArn: east), FindingIdentifier(id: "west", productArn: west),
                FindingIdentifier(id: "south", productArn: south), FindingIdentifier(id: "absent", productArn: east),
            ]
            let resolve = FindingUpdate(workflowStatus: .resolved)
            let (outcomes, _) = try store.applyRequest(
                identifiers: identifiers, update: resolve, now: "2026-02-01T00:00:00.000Z",
                updatableAccounts: ["123456789012"], updatableRegions: ["us-east-1"])
            #expect(
                outcomes == [
                    .processed, .failed(.findingNotFound), .failed(.findingNotFound), .failed(.findingNotFound),
                ])
            func status(_ id: String, _ productArn: String) throws -> String? {
                if case .string(let status)? = StoreTestData.value(
                    try StoreTestData.stored(store, id: id, productArn: productArn), "Workflow.Status")
                {
                    return status
                }
                return nil
            }
            #expect(try status("east", east) == "RESOLVED")
            #expect(try status("west", west) == "NEW")
            #expect(try status("south", south) == "NEW")
            // The aggregation Region with its linked Regions updates them all.
            let (linked, _) = try store.applyRequest(
                identifiers: identifiers, update: FindingUpdate(workflowStatus: .notified),
                now: "2026-02-01T00:00:00.000Z", updatableAccounts: nil,
                updatableRegions: ["us-east-1", "eu-west-1", "ap-southeast-2"])
            #expect(linked == [.processed, .processed, .processed, .failed(.findingNotFound)])
            #expect(try status("west", west) == "NOTIFIED" && status("south", south) == "NOTIFIED")
            // Several requests committed together keep each its own Regions.
            let group = DispatchGroup()
            let results = Mutex<[String: [Outcome]]>([:])
            for region in ["us-east-1", "eu-west-1", "ap-southeast-2", "ap-south-1"] {
                group.enter()
                store.applyRequest(
                    identifiers: identifiers, update: FindingUpdate(workflowStatus: .suppressed),
                    now: "2026-02-01T00:00:00.000Z", updatableAccounts: nil, updatableRegions: [region]
                ) { result in
                    if case .success(let applied) = result { results.withLock { $0[region] = applied.outcomes } }
                    group.leave()
                }
            }
            group.wait()
            let notFound = Outcome.failed(.findingNotFound)
            #expect(
                results.withLock { $0 } == [
                    "us-east-1": [.processed, notFound, notFound, notFound],
                    "eu-west-1": [notFound, .processed, notFound, notFound],
                    "ap-southeast-2": [notFound, notFound, .processed, notFound],
                    "ap-south-1": [notFound, notFound, notFound, notFound],
                ])
        }
    }

    @Test func anImportTakesOnlyFindingsOfItsProductsRegion() throws {
        try StoreTestData.withStore { store, _ in
            let east = "arn:aws:securityhub:us-east-1::product/aws/guardduty"
            let west = "arn:aws:securityhub:eu-west-1::product/aws/guardduty"
            let (outcomes, _) = try store.importRequest(
                findings: [
                    StoreTestData.document(id: "east", productArn: east),
                    StoreTestData.document(id: "west", productArn: west),
                    // The ProductArn decides, not the Region member.
                    StoreTestData.document(id: "member", productArn: west, ["Region": #""us-east-1""#]),
                    StoreTestData.document(id: "no-region", productArn: "not-an-arn"),
                ], importableAccounts: ["123456789012"], importRegion: "us-east-1")
            #expect(outcomes.count == 4)
            #expect(outcomes[0] == .created(FindingIdentifier(id: "east", productArn: east)))
            for (outcome, (id, region)) in zip(
                outcomes.dropFirst(), [("west", "eu-west-1"), ("member", "eu-west-1"), ("no-region", "none")])
            {
                guard case .failed(let failedId, let code, let message) = outcome else {
                    Issue.record("\(id): \(outcome)")
                    continue
                }
                #expect(failedId == id && code == .accessDenied)
                #expect(message.hasPrefix("Not authorized to perform: securityhub:BatchImportFindings on resource: "))
                #expect(
                    message.contains(
                        "the ProductArn's Region (\(region)) is not the Region the request is signed for, us-east-1"),
                    "\(message)")
            }
            #expect(try StoreTestData.stored(store, id: "west", productArn: west) == nil)
            // In its own Region it is taken; without a Region (triage import) any is.
            let (westOutcomes, _) = try store.importRequest(
                findings: [StoreTestData.document(id: "west", productArn: west)], importableAccounts: nil,
                importRegion: "eu-west-1")
            #expect(westOutcomes == [.created(FindingIdentifier(id: "west", productArn: west))])
            let anywhere = try store.import(findings: [StoreTestData.document(id: "other", productArn: west)])
            #expect(anywhere == [.created(FindingIdentifier(id: "other", productArn: west))])
        }
    }

    @Test func aV1StoreKeepsEveryFindingEachInItsRegion() throws {
        let scratch = ScratchDirectory("store-region-migration")
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.url.appendingPathComponent("v1.sqlite").path
        let documents = (0..<500).map { Data.document($0) }
        do {
            let store = try FindingsStore(path: path)
            _ = try store.import(findings: documents)
        }
        // v1 held the ProductArn's Region only: here every row says eu-central-1. One finding of an
        // older import keeps a Region member of its own (us-west-2, its ProductArn says eu-central-1).
        try QueryMigrationTests.downgradeToV1(path)
        let moved = Data.identifier(3)
        #expect(moved.productArn.contains(":eu-central-1:"))
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    UPDATE finding_document SET body = CAST(replace(CAST(body AS TEXT), 'eu-central-1"', 'us-west-2"') AS BLOB)
                    WHERE document_id = (SELECT document_id FROM finding WHERE product_arn = ? AND id = ?)
                    """, arguments: [moved.productArn, moved.id])
        }
        try queue.close()
        var update = StoreOptions()
        update.access = .update
        let store = try FindingsStore(path: path, options: update)
        let exported = try Data.exported(store)
        #expect(exported.count == documents.count)
        var seen: [[UInt8]] = []
        for region in ["us-east-1", "eu-west-1", "eu-central-1", "us-west-2"] {
            let expected = Data.oracle(exported.filter { Self.region(of: $0.finding) == region }, FindingsQuery())
            let got = try Self.allPages(store, FindingsQuery(), regions: [region])
            Data.same(got, expected, region)
            #expect(!got.isEmpty, "\(region)")
            seen += got
        }
        #expect(seen.count == documents.count)
        #expect(Set(seen.map(Data.id)).count == documents.count)
        let west = try Self.allPages(store, FindingsQuery(), regions: ["us-west-2"])
        #expect(west.map(Data.id) == [moved.id])
    }

    @Test func aStoreWithTheFormerIndexesGetsTheRegionalOnes() throws {
        let scratch = ScratchDirectory("store-region-indexes")
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.url.appendingPathComponent("v3.sqlite").path
        let expected: [[UInt8]]
        do {
            let store = try FindingsStore(path: path)
            _ = try store.import(findings: (0..<300).map { Data.document($0) })
            expected = try Self.allPages(store, FindingsQuery(), regions: ["eu-west-1"])
        }
        // The indexes as v2-query built them before Regions were kept apart, v4 unrecorded.
        let columns = ["aws_account_id", "workflow_status", "record_state", "severity_label", "compliance_status"]
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for column in columns {
                try db.execute(sql: "DROP INDEX finding_by_\(column)")
                try db.execute(
                    sql: "CREATE INDEX finding_by_\(column) ON finding (\(column), updated_key DESC, product_arn, id)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-region-indexes'")
        }
        try queue.close()
        var update = StoreOptions()
        update.access = .update
        let store = try FindingsStore(path: path, options: update)
        Data.same(try Self.allPages(store, FindingsQuery(), regions: ["eu-west-1"]), expected, "after the migration")
        let check = try DatabaseQueue(path: path)
        try check.read { db in
            for column in columns {
                let sql = try String.fetchOne(
                    db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: ["finding_by_\(column)"])
                #expect(
                    sql
                        == "CREATE INDEX finding_by_\(column) ON finding (\(column), region, updated_key DESC, product_arn, id)"
                )
            }
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM finding") == 300)
        }
        try check.close()
    }
}
