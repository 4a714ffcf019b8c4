import Foundation
import Synchronization
import Testing
import TriageCore
import TriageStore

/// Varied findings for the query tests, and an oracle: the pure matcher and sort keys of
/// `TriageCore` applied to what `exportAll` writes.
enum QueryTestData {
    /// 2026-02-01T00:00:00Z in epoch milliseconds.
    static let now: Int64 = 1_769_904_000_000
    static let accounts = ["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"]
    static let productArns = [
        "arn:aws:securityhub:eu-central-1::product/aws/guardduty",
        "arn:aws:securityhub:us-east-1::product/aws/inspector",
        "arn:aws:securityhub:eu-west-1:111111111111:product/111111111111/default",
    ]

    /// The key of finding `index`.
    static func identifier(_ index: Int) -> FindingIdentifier {
        FindingIdentifier(id: "f-\(index * 7919 % 10007)-\(index)", productArn: productArns[index % 3])
    }

    /// Finding `index` of a set: accounts, products, statuses, severities and 37 distinct
    /// `UpdatedAt`s (many ties) vary with the index; some members are missing on purpose.
    static func document(_ index: Int, updatedMinute: Int? = nil) -> [UInt8] {
        let minute = updatedMinute ?? (index * 7) % 37
        // Every fifth timestamp is written with an offset: same instants, other text.
        let updatedAt =
            index % 5 == 0
            ? String(format: "2026-01-01T01:%02d:00.000+01:00", minute)
            : String(format: "2026-01-01T00:%02d:00.000Z", minute)
        var members: [(String, String)] = [
            ("SchemaVersion", #""2018-10-08""#), ("Id", StoreTestData.quoted(identifier(index).id)),
            ("ProductArn", StoreTestData.quoted(identifier(index).productArn)), ("GeneratorId", #""generator""#),
            ("AwsAccountId", StoreTestData.quoted(accounts[index % 5])), ("CreatedAt", #""2025-12-01T00:00:00Z""#),
            ("UpdatedAt", StoreTestData.quoted(updatedAt)), ("Title", StoreTestData.quoted("Title \(index % 10)")),
            ("Description", #""d""#),
            (
                "Resources",
                #"[{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::r\#(index % 50)", "Tags": {"env": "\#(index % 2 == 0 ? "prod" : "dev")"}}"#
                    + (index % 3 == 0 ? #", {"Type": "AwsIamRole", "Id": "role-\#(index % 4)"}]"# : "]")
            ),
        ]
        let labels = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
        if index % 11 == 0 {
            members.append(("FindingProviderFields", #"{"Severity": {"Label": "\#(labels[index % 5])"}}"#))
        } else {
            members.append(("Severity", #"{"Label": "\#(labels[(index / 3) % 5])", "Original": "x"}"#))
        }
        if index % 7 != 0 { members.append(("Confidence", String((index * 13) % 101))) }
        let compliance = ["FAILED", "PASSED", "WARNING", nil][index % 4]
        if let compliance { members.append(("Compliance", #"{"Status": "\#(compliance)"}"#)) }
        members.append(("Workflow", #"{"Status": "\#(["NEW", "NOTIFIED", "SUPPRESSED"][index % 3])"}"#))
        members.append(("RecordState", index % 9 == 0 ? #""ARCHIVED""# : #""ACTIVE""#))
        if index % 6 == 0 { members.append(("Region", #""us-west-2""#)) }
        let body = members.map { "\(StoreTestData.quoted($0.0)): \($0.1)" }.joined(separator: ", ")
        return Array("{\(body)}".utf8)
    }

    /// A store holding findings `0..<count`, removed when `body` returns.
    static func withStore<T>(count: Int, _ body: (FindingsStore) throws -> T) throws -> T {
        try StoreTestData.withStore { store, _ in
            try importFindings(count: count, into: store)
            return try body(store)
        }
    }

    /// A store only read by the tests that share it, with its export (the oracle's input).
    struct SharedStore: Sendable {
        let store: FindingsStore
        let exported: [(finding: JSONValue, bytes: [UInt8])]
    }

    /// The shared stores by finding count, each built on first use, in one directory removed
    /// when the test process exits.
    private static let shared = Mutex<[Int: SharedStore]>([:])
    private static let sharedDirectory: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "triage-query-shared-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: QueryTestData.sharedDirectory) }
        return directory
    }()

    /// A store holding findings `0..<count`, built once for the whole test run and shared by the
    /// tests that only read it (importing thousands of findings per test cost more than querying
    /// them). A test that writes takes its own store from ``withStore(count:_:)``.
    static func sharedStore(count: Int) throws -> SharedStore {
        try shared.withLock { stores in
            if let built = stores[count] { return built }
            let path = sharedDirectory.appendingPathComponent("findings-\(count).sqlite").path
            let store = try FindingsStore(path: path, options: StoreOptions())
            try importFindings(count: count, into: store)
            let built = SharedStore(store: store, exported: try exported(store))
            stores[count] = built
            return built
        }
    }

    /// Imports findings `0..<count` in chunks of 5,000.
    private static func importFindings(count: Int, into store: FindingsStore) throws {
        var index = 0
        while index < count {
            let chunk = (index..<min(count, index + 5000)).map { document($0) }
            _ = try store.import(findings: chunk)
            index += chunk.count
        }
    }

    /// The query of a GetFindings body.
    static func query(_ json: String) throws -> FindingsQuery {
        guard case .object(let members) = try JSONParser.parse(Array(json.utf8)) else {
            throw CoreError.invalidQuery("not an object")
        }
        return try FindingsQuery(getFindingsRequest: members)
    }

    /// Every page of `query`, concatenated, and the number of pages.
    static func allPages(
        _ store: FindingsStore, _ query: FindingsQuery, visibleAccounts: Set<String>? = nil, now: Int64 = now
    ) throws -> (findings: [[UInt8]], pages: Int) {
        var out: [[UInt8]] = []
        var cursor: [UInt8]?
        var pages = 0
        repeat {
            let page = try store.findings(query, visibleAccounts: visibleAccounts, after: cursor, now: now)
            // Only the last page may be short.
            #expect(page.cursor == nil || page.findings.count == query.maxResults)
            out += page.findings
            cursor = page.cursor
            pages += 1
        } while cursor != nil
        return (out, pages)
    }

    /// Every stored finding as `exportAll` writes it, with its parse.
    static func exported(_ store: FindingsStore) throws -> [(finding: JSONValue, bytes: [UInt8])] {
        var out: [(finding: JSONValue, bytes: [UInt8])] = []
        try store.exportAll { bytes in out.append((try JSONParser.parse(bytes), bytes)) }
        return out
    }

    /// What the query should return: the exported findings the pure matcher accepts, in the pure
    /// order.
    static func oracle(
        _ store: FindingsStore, _ query: FindingsQuery, visibleAccounts: Set<String>? = nil, now: Int64 = now
    ) throws -> [[UInt8]] {
        oracle(try exported(store), query, visibleAccounts: visibleAccounts, now: now)
    }

    /// ``oracle(_:_:visibleAccounts:now:)`` over findings already exported.
    static func oracle(
        _ exported: [(finding: JSONValue, bytes: [UInt8])], _ query: FindingsQuery, visibleAccounts: Set<String>? = nil,
        now: Int64 = now
    ) -> [[UInt8]] {
        var kept: [(key: FindingSortKey, bytes: [UInt8])] = []
        for (finding, bytes) in exported {
            if let visibleAccounts {
                guard case .string(let account)? = finding[key: "AwsAccountId"], visibleAccounts.contains(account)
                else { continue }
            }
            if query.matches(finding, now: now) { kept.append((query.sortKey(of: finding), bytes)) }
        }
        return kept.sorted { FindingSortKey.compare($0.key, $1.key, criteria: query.sortCriteria) < 0 }.map(\.bytes)
    }

    /// Whether two lists of findings are the same bytes in the same order; a failure names the
    /// first difference by `Id` instead of printing the findings.
    static func same(
        _ got: [[UInt8]], _ expected: [[UInt8]], _ comment: String = "",
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard got != expected else { return }
        let index =
            zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(got.count, expected.count)
        let found = index < got.count ? id(got[index]) : "end"
        let wanted = index < expected.count ? id(expected[index]) : "end"
        Issue.record(
            "\(comment): \(got.count) findings, expected \(expected.count); first difference at \(index): \(found), expected \(wanted)",
            sourceLocation: sourceLocation)
    }

    /// The `Id` of a composed finding.
    static func id(_ bytes: [UInt8]) -> String {
        if case .string(let id)? = try? JSONParser.parse(bytes)[key: "Id"] { return id }
        return ""
    }
}
