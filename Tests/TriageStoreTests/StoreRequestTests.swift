import Foundation
import GRDB
import Synchronization
import Testing
import TriageCore
import TriageStore

/// `applyRequest` and `importRequest`: one request, one transaction, the caller's accounts, the
/// commit order; and the query columns they keep current.
@Suite struct StoreRequestTests {
    typealias Data = StoreTestData
    static let now = "2026-11-24T02:00:00.000Z"
    static let arn = StoreTestData.guardDutyArn

    static func document(_ id: String, account: String, _ members: KeyValuePairs<String, String?> = [:]) -> [UInt8] {
        let text = String(decoding: StoreTestData.document(id: id, members), as: UTF8.self)
        return Array(
            text.replacingOccurrences(of: #""AwsAccountId": "123456789012""#, with: #""AwsAccountId": "\#(account)""#)
                .utf8)
    }

    static func key(_ id: String) -> FindingIdentifier { FindingIdentifier(id: id, productArn: arn) }

    static func ids(_ store: FindingsStore, _ filters: String, visible: Set<String>? = nil) throws -> [String] {
        let query = try QueryTestData.query(#"{"Filters": \#(filters), "SortCriteria": [{"Field": "Id"}]}"#)
        return try QueryTestData.allPages(store, query, visibleAccounts: visible).findings.map(QueryTestData.id)
    }

    @Test func applyRequestKeepsRequestOrderDuplicatesAndAccounts() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [
                Self.document("a", account: "111111111111"), Self.document("b", account: "222222222222"),
            ])
            let update = FindingUpdate(workflowStatus: .resolved)
            let (outcomes, commit) = try store.applyRequest(
                identifiers: [Self.key("b"), Self.key("a"), Self.key("missing"), Self.key("a")], update: update,
                now: Self.now, updatableAccounts: ["111111111111"])
            #expect(
                outcomes == [
                    .failed(.findingNotFound), .processed, .failed(.findingNotFound),
                    .failed(.duplicatedFindingIdentifier),
                ])
            #expect(commit == 1)
            #expect(Data.value(try Data.stored(store, id: "a"), "Workflow.Status") == .string("RESOLVED"))
            // The other account's finding is untouched, in its state and in its column.
            #expect(Data.value(try Data.stored(store, id: "b"), "Workflow.Status") == .string("NEW"))
            #expect(
                try Self.ids(store, #"{"WorkflowStatus": [{"Value": "RESOLVED", "Comparison": "EQUALS"}]}"#) == ["a"])
            // nil: every account.
            let all = try store.applyRequest(
                identifiers: [Self.key("b")], update: update, now: Self.now, updatableAccounts: nil)
            #expect(all.outcomes == [.processed] && all.commit == 2)
            // An empty set: none.
            let none = try store.applyRequest(
                identifiers: [Self.key("a")], update: FindingUpdate(confidence: 5), now: Self.now, updatableAccounts: []
            )
            #expect(none.outcomes == [.failed(.findingNotFound)] && none.commit == 3)
            #expect(Data.value(try Data.stored(store, id: "a"), "Confidence") == nil)
        }
    }

    /// Requests queued while the writer is busy are committed together (group commit), yet each
    /// is numbered and takes effect in the order it came, as if committed one by one.
    @Test func groupCommitKeepsArrivalOrder() throws {
        try Data.withStore { store, _ in
            let ids = (0..<10).map { "f\($0)" }
            _ = try store.import(findings: ids.map { Self.document($0, account: "111111111111") })
            let count = 120
            let results = Mutex<[Int: Result<(outcomes: [Outcome], commit: Int), StoreError>]>([:])
            let done = DispatchGroup()
            for index in 0..<count {
                done.enter()
                // Two findings each, one of them also the next request's; a repeat; an unknown one.
                let keys = [Self.key(ids[index % 10]), Self.key(ids[(index + 3) % 10]), Self.key(ids[index % 10])]
                store.applyRequest(
                    identifiers: keys + [Self.key("missing")], update: FindingUpdate(confidence: index % 101),
                    now: Self.now, updatableAccounts: nil
                ) { result in
                    results.withLock { $0[index] = result }
                    done.leave()
                }
            }
            done.wait()
            let all = results.withLock { $0 }
            for index in 0..<count {
                let (outcomes, commit) = try #require(try all[index]?.get())
                #expect(commit == index + 1, "request \(index) committed as number \(commit)")
                #expect(
                    outcomes == [
                        .processed, .processed, .failed(.duplicatedFindingIdentifier), .failed(.findingNotFound),
                    ])
            }
            #expect(store.largestRequestGroup > 1, "no two requests were committed together")
            // Each finding holds the last request's value that named it.
            for (position, id) in ids.enumerated() {
                let last = (0..<count).last { $0 % 10 == position || ($0 + 3) % 10 == position }!
                #expect(
                    Data.value(try Data.stored(store, id: id), "Confidence")
                        == .number(JSONNumber(literal: "\(last % 101)")!))
            }
        }
    }

    /// A group whose transaction fails is applied again request by request: only the requests
    /// that cannot be applied fail, the others are applied and numbered in arrival order.
    @Test func aFailedGroupFailsOnlyItsBadRequests() throws {
        try Data.withStore { store, path in
            let ids = (0..<10).map { "f\($0)" }
            _ = try store.import(findings: (ids + ["poison"]).map { Self.document($0, account: "111111111111") })
            // Any update of the poisoned finding aborts its statement (and the transaction).
            try DatabaseQueue(path: path.path).write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER poison BEFORE UPDATE ON finding WHEN OLD.id = 'poison'
                        BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                        """)
            }
            let count = 60
            let poisoned: Set<Int> = [7, 31, 44]
            let results = Mutex<[Int: Result<(outcomes: [Outcome], commit: Int), StoreError>]>([:])
            let done = DispatchGroup()
            for index in 0..<count {
                done.enter()
                let keys = [Self.key(ids[index % 10])] + (poisoned.contains(index) ? [Self.key("poison")] : [])
                store.applyRequest(
                    identifiers: keys, update: FindingUpdate(confidence: index), now: Self.now, updatableAccounts: nil
                ) { result in
                    results.withLock { $0[index] = result }
                    done.leave()
                }
            }
            done.wait()
            let all = results.withLock { $0 }
            var lastCommit = 0
            for index in 0..<count {
                let result = try #require(all[index])
                if poisoned.contains(index) {
                    #expect(throws: StoreError.self, "request \(index) applied") { try result.get() }
                    continue
                }
                let (outcomes, commit) = try result.get()
                #expect(outcomes == [.processed])
                #expect(commit > lastCommit, "request \(index) committed as number \(commit) after \(lastCommit)")
                lastCommit = commit
            }
            #expect(store.largestRequestGroup > 1, "no two requests were committed together")
            // Each finding holds the value of the last applied request that named it.
            for (position, id) in ids.enumerated() {
                let last = (0..<count).last { $0 % 10 == position && !poisoned.contains($0) }!
                #expect(
                    Data.value(try Data.stored(store, id: id), "Confidence") == .number(JSONNumber(literal: "\(last)")!)
                )
            }
        }
    }

    @Test func importRequestDeniesOtherAccounts() throws {
        try Data.withStore { store, _ in
            let (outcomes, commit) = try store.importRequest(
                findings: [
                    Self.document("mine", account: "111111111111"), Self.document("theirs", account: "999999999999"),
                    Self.document("member", account: "222222222222"), Array("{}".utf8),
                ],
                importableAccounts: ["111111111111", "222222222222"])
            #expect(outcomes[0] == .created(Self.key("mine")))
            #expect(
                outcomes[1]
                    == .failed(
                        id: "theirs", code: .accessDenied,
                        message: "Not authorized to perform: securityhub:BatchImportFindings on resource: \(Self.arn) "
                            + "(AwsAccountId 999999999999 is not the caller's account or one of its members)"))
            #expect(outcomes[2] == .created(Self.key("member")))
            #expect(outcomes[3].isSuccess == false)
            #expect(commit == 1)
            #expect(try store.count() == 2)
            #expect(try store.finding(Self.key("theirs")) == nil)
            #expect(ErrorCode.accessDenied.rawValue == "AccessDenied")
            let all = try store.importRequest(
                findings: [Self.document("theirs", account: "9")], importableAccounts: nil)
            #expect(all.outcomes == [.created(Self.key("theirs"))] && all.commit == 2)
        }
    }

    @Test func commitNumbersFollowTheOrderRequestsTookEffect() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Self.document("a", account: "1")])
            let numbers = Mutex<[(commit: Int, text: String)]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for round in 0..<25 {
                    let text = "t\(thread)-\(round)"
                    if round % 5 == 4 {
                        let result = try? store.importRequest(
                            findings: [Self.document("n-\(text)", account: "1")], importableAccounts: nil)
                        numbers.withLock { $0.append((result?.commit ?? -1, "")) }
                        continue
                    }
                    let result = try? store.applyRequest(
                        identifiers: [Self.key("a")],
                        update: FindingUpdate(note: NoteUpdate(text: text, updatedBy: "u")),
                        now: Self.now, updatableAccounts: nil)
                    numbers.withLock { $0.append((result?.commit ?? -1, text)) }
                }
            }
            let all = numbers.withLock { $0 }
            #expect(all.map(\.commit).sorted() == Array(1...200))
            // The last note written is the one of the highest commit number that wrote a note.
            let last = all.filter { !$0.text.isEmpty }.max { $0.commit < $1.commit }?.text
            #expect(Data.value(try Data.stored(store, id: "a"), "Note.Text") == last.map(JSONValue.string))
        }
    }

    @Test func updatesAndImportsKeepTheIndexedColumnsCurrent() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [
                Self.document("a", account: "1", ["Compliance": #"{"Status": "FAILED"}"#]),
                Self.document(
                    "b", account: "1", ["Severity": nil, "FindingProviderFields": #"{"Severity": {"Label": "LOW"}}"#]),
            ])
            let label = { (value: String) in #"{"SeverityLabel": [{"Value": "\#(value)", "Comparison": "EQUALS"}]}"# }
            #expect(try Self.ids(store, label("HIGH")) == ["a"])
            #expect(try Self.ids(store, label("LOW")) == ["b"])  // the provider's label when there is no Severity
            // Normalized alone derives the label.
            _ = try store.applyRequest(
                identifiers: [Self.key("a")], update: FindingUpdate(severity: SeverityUpdate(normalized: 95)),
                now: Self.now, updatableAccounts: nil)
            #expect(try Self.ids(store, label("CRITICAL")) == ["a"])
            _ = try store.applyRequest(
                identifiers: [Self.key("b")], update: FindingUpdate(severity: SeverityUpdate(label: .medium)),
                now: Self.now, updatableAccounts: nil)
            #expect(try Self.ids(store, label("MEDIUM")) == ["b"])
            // Product alone leaves it.
            _ = try store.applyRequest(
                identifiers: [Self.key("b")], update: FindingUpdate(severity: SeverityUpdate(product: 2)),
                now: Self.now, updatableAccounts: nil)
            #expect(try Self.ids(store, label("MEDIUM")) == ["b"])
            // A later import: compliance and UpdatedAt follow the provider; the owned severity stays; the
            // provider's Region is replaced by its ProductArn's (a service-owned member).
            _ = try store.import(findings: [
                Self.document(
                    "a", account: "1",
                    [
                        "UpdatedAt": #""2026-03-01T00:00:00.000Z""#, "Compliance": #"{"Status": "PASSED"}"#,
                        "Region": #""ap-south-1""#, "Severity": #"{"Label": "LOW"}"#,
                    ])
            ])
            #expect(
                try Self.ids(store, #"{"ComplianceStatus": [{"Value": "PASSED", "Comparison": "EQUALS"}]}"#) == ["a"])
            #expect(try Self.ids(store, #"{"Region": [{"Value": "ap-south-1", "Comparison": "EQUALS"}]}"#) == [])
            #expect(
                try Self.ids(store, #"{"Region": [{"Value": "eu-central-1", "Comparison": "EQUALS"}]}"#) == ["a", "b"])
            #expect(try Self.ids(store, #"{"UpdatedAt": [{"Start": "2026-02-01T00:00:00Z"}]}"#) == ["a"])
            #expect(try Self.ids(store, label("CRITICAL")) == ["a"])
            let first = try store.findings(FindingsQuery(maxResults: 1), visibleAccounts: nil, after: nil, now: 0)
            #expect(first.findings.map(QueryTestData.id) == ["a"])  // the latest UpdatedAt first
        }
    }
}
