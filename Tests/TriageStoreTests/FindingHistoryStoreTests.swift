import Foundation
import GRDB
import Synchronization
import Testing
import TriageCore
import TriageStore

/// The finding history the store records for `triage serve` (`FindingHistory`): a record per
/// finding a `BatchUpdateFindings` or `BatchImportFindings` request changed, none for a change
/// that changed nothing, read newest first in pages and time windows, visible like GetFindings,
/// pruned after 90 days; none from the CLI's store paths; a `v2-query` store migrates.
@Suite struct FindingHistoryStoreTests {
    typealias Data = StoreTestData
    static let arn = StoreTestData.guardDutyArn
    static let now = "2026-11-24T02:00:00.000Z"
    /// 2026-11-24T02:00:00Z in epoch milliseconds.
    static let t0: Int64 = 1_795_485_600_000
    static let day: Int64 = 86_400_000
    static let user = "arn:aws:iam::123456789012:user/AKIDEXAMPLE"

    static func key(_ id: String = "finding-1") -> FindingIdentifier { FindingIdentifier(id: id, productArn: arn) }

    /// Applies `update` to `ids` as `triage serve` does, stamped at `time`.
    @discardableResult
    static func update(
        _ store: FindingsStore, _ update: FindingUpdate, at time: Int64, ids: [String] = ["finding-1"],
        accounts: Set<String>? = nil
    ) throws -> [Outcome] {
        try store.applyRequest(
            identifiers: ids.map { key($0) }, update: update, now: Timestamp.rfc3339(milliseconds: time),
            updatableAccounts: accounts, history: FindingHistory.Stamp(identity: user, time: time)
        ).outcomes
    }

    /// Every record of `id` visible at `now` (pages of `limit`), newest first.
    static func history(
        _ store: FindingsStore, _ id: String = "finding-1", start: Int64? = nil, end: Int64? = nil, limit: Int = 100,
        accounts: Set<String>? = nil, regions: Set<String>? = nil, now: Int64 = t0 + day
    ) throws -> (records: [FindingHistory.Record], pages: Int) {
        let query = FindingHistory.Query(identifier: key(id), start: start, end: end, limit: limit)
        var records: [FindingHistory.Record] = []
        var cursor: Int64?
        var pages = 0
        repeat {
            let page = try store.findingHistory(
                query, visibleAccounts: accounts, visibleRegions: regions, after: cursor, now: now)
            #expect(page.records.count <= limit)
            #expect(page.next == nil || page.records.count == limit, "a page before the last is full")
            records += page.records
            cursor = page.next
            pages += 1
        } while cursor != nil && pages < 1000
        return (records, pages)
    }

    /// The `Updates` of a record as `[field: (old, new)]`.
    static func updates(_ record: FindingHistory.Record) throws -> [String: (old: String?, new: String?)] {
        guard case .array(let elements) = try JSONParser.parse(record.updates) else { return [:] }
        var result: [String: (old: String?, new: String?)] = [:]
        for element in elements {
            guard case .string(let field)? = element[key: "UpdatedField"] else { continue }
            var old: String?
            var new: String?
            if case .string(let text)? = element[key: "OldValue"] { old = text }
            if case .string(let text)? = element[key: "NewValue"] { new = text }
            result[field] = (old, new)
        }
        return result
    }

    @Test func anUpdateRecordsEachChangedFieldWithItsOldAndNewValue() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            let update = FindingUpdate(
                note: NoteUpdate(text: "triaged", updatedBy: "alice"), workflowStatus: .notified)
            #expect(try Self.update(store, update, at: Self.t0) == [.processed])
            let records = try Self.history(store).records
            try #require(records.count == 1)
            let record = records[0]
            #expect(record.updateTime == Self.t0)
            #expect(record.sourceType == .batchUpdateFindings && record.sourceType.name == "BATCH_UPDATE_FINDINGS")
            #expect(record.identity == Self.user)
            #expect(!record.findingCreated)
            let changes = try Self.updates(record)
            #expect(Set(changes.keys) == ["Workflow.Status", "Note.Text", "Note.UpdatedBy", "Note.UpdatedAt"])
            #expect(changes["Workflow.Status"]?.old == "NEW" && changes["Workflow.Status"]?.new == "NOTIFIED")
            #expect(changes["Note.Text"]?.old == nil && changes["Note.Text"]?.new == "triaged")
            #expect(changes["Note.UpdatedAt"]?.new == Self.now)
            // The stored finding is the one the update made.
            #expect(Data.value(try Data.stored(store), "Workflow.Status") == .string("NOTIFIED"))
        }
    }

    @Test func severityNumbersAndUserDefinedFieldsAreLeaves() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            try Self.update(
                store,
                FindingUpdate(
                    severity: SeverityUpdate(label: .low), confidence: 40,
                    userDefinedFields: [UserDefinedField(key: "ticket", value: "T-1")]),
                at: Self.t0)
            let changes = try Self.updates(try #require(Self.history(store).records.first))
            #expect(changes["Severity.Label"]?.old == "HIGH" && changes["Severity.Label"]?.new == "LOW")
            #expect(changes["Severity.Normalized"]?.old == "70" && changes["Severity.Normalized"]?.new == "1")
            #expect(changes["Severity.Original"] == nil, "unchanged members are not listed")
            #expect(changes["Confidence"]?.old == nil && changes["Confidence"]?.new == "40")
            #expect(changes["UserDefinedFields.ticket"]?.new == "T-1")
            // Escapes survive; arrays are one leaf, as JSON text; a removed key has no new value.
            try Self.update(
                store,
                FindingUpdate(
                    userDefinedFields: [UserDefinedField(key: "quote", value: #"say "hi" \ é"#)],
                    relatedFindings: [FindingIdentifier(id: "other", productArn: Self.arn)]),
                at: Self.t0 + 1)
            let next = try Self.updates(try #require(Self.history(store).records.first))
            let quote = next["UserDefinedFields.quote"]
            #expect(quote?.old == nil && quote?.new == #"say "hi" \ é"#)
            #expect(next["UserDefinedFields.ticket"] == nil, "UserDefinedFields merge: ticket is kept")
            #expect(next["RelatedFindings"]?.new == #"[{"ProductArn":"\#(Self.arn)","Id":"other"}]"#)
            #expect(next.count == 2, "\(next.keys.sorted())")
        }
    }

    @Test func anUpdateThatChangesNothingRecordsNothing() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            // Already NEW and HIGH: the finding stays byte for byte the same.
            #expect(try Self.update(store, FindingUpdate(workflowStatus: .new), at: Self.t0) == [.processed])
            #expect(
                try Self.update(store, FindingUpdate(severity: SeverityUpdate(label: .high)), at: Self.t0 + 1)
                    == [.processed])
            #expect(try store.historyRecordCount() == 0)
            #expect(try Self.history(store).records.isEmpty)
            // A change, then the same change again: one record.
            try Self.update(store, FindingUpdate(workflowStatus: .resolved), at: Self.t0 + 2)
            try Self.update(store, FindingUpdate(workflowStatus: .resolved), at: Self.t0 + 3)
            #expect(try Self.history(store).records.map(\.updateTime) == [Self.t0 + 2])
            // Failures and unknown findings record nothing either.
            let outcomes = try Self.update(
                store, FindingUpdate(workflowStatus: .suppressed), at: Self.t0 + 4, ids: ["missing", "finding-1"],
                accounts: ["999999999999"])
            #expect(outcomes == [.failed(.findingNotFound), .failed(.findingNotFound)])
            #expect(try store.historyRecordCount() == 1)
        }
    }

    @Test func recordsComeNewestFirstInPagesAndTimeWindows() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(), Data.document(id: "other")])
            let statuses: [WorkflowStatus] = [.notified, .resolved, .new, .suppressed, .notified]
            for (index, status) in statuses.enumerated() {
                // Two findings per request: each gets its own chain.
                try Self.update(
                    store, FindingUpdate(workflowStatus: status), at: Self.t0 + Int64(index) * 1000,
                    ids: ["finding-1", "other"])
            }
            let times = (0..<5).reversed().map { Self.t0 + Int64($0) * 1000 }
            let all = try Self.history(store)
            #expect(all.records.map(\.updateTime) == times && all.pages == 1)
            let paged = try Self.history(store, limit: 2)
            #expect(paged.records == all.records && paged.pages == 3)
            // Exactly a page's worth: no empty page after it.
            #expect(try Self.history(store, limit: 5).pages == 1)
            let windowed = try Self.history(store, start: Self.t0 + 1000, end: Self.t0 + 3000, limit: 2)
            #expect(windowed.records.map(\.updateTime) == [Self.t0 + 3000, Self.t0 + 2000, Self.t0 + 1000])
            #expect(windowed.pages == 2)
            #expect(try Self.history(store, start: Self.t0 + 5000).records.isEmpty)
            #expect(try Self.history(store, "other").records.count == 5)
            let newest = try Self.updates(all.records[0])
            #expect(newest["Workflow.Status"]?.old == "SUPPRESSED" && newest["Workflow.Status"]?.new == "NOTIFIED")
        }
    }

    @Test func historyIsVisibleLikeTheFinding() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            try Self.update(store, FindingUpdate(workflowStatus: .notified), at: Self.t0)
            #expect(try Self.history(store, accounts: ["123456789012"]).records.count == 1)
            #expect(try Self.history(store, accounts: ["111111111111"]).records.isEmpty)
            #expect(try Self.history(store, regions: ["eu-central-1"]).records.count == 1)
            #expect(try Self.history(store, regions: ["us-east-1"]).records.isEmpty)
            #expect(try Self.history(store, "missing").records.isEmpty)
        }
    }

    static let providerFields = #"{"Severity":{"Label":"HIGH","Normalized":70,"Original":"HIGH"}}"#
    static let sourceUrl = #""https://example.com/finding""#

    /// A document with `FindingProviderFields` (so that a re-import adds none) and a `SourceUrl`
    /// unless `sourceUrl` is false; `title`, `resources` and `lastObservedAt` replace the base's.
    static func provided(
        updatedAt: String = "2026-01-01T00:00:00.000Z", title: String = "A title", sourceUrl: Bool = true,
        resources: String? = nil, lastObservedAt: String? = nil
    ) -> [UInt8] {
        Data.document(
            updatedAt: updatedAt,
            [
                "FindingProviderFields": providerFields, "SourceUrl": sourceUrl ? Self.sourceUrl : nil,
                "Title": Data.quoted(title),
                "Resources": resources ?? #"[{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::bucket"}]"#,
                "LastObservedAt": lastObservedAt.map(Data.quoted),
            ])
    }

    @Test func importsRecordCreationAndReimportChangesButNotTimestamps() throws {
        try Data.withStore { store, _ in
            let created = try store.importRequest(
                findings: [Self.provided()], importableAccounts: nil, historyTime: Self.t0)
            #expect(created.outcomes.map(\.isSuccess) == [true])
            var records = try Self.history(store).records
            try #require(records.count == 1)
            #expect(records[0].findingCreated && records[0].updates == Array("[]".utf8))
            #expect(records[0].sourceType == .batchImportFindings && records[0].identity == Self.arn)
            // Only the timestamps changed: no record (they are not tracked).
            let later = try store.importRequest(
                findings: [
                    Self.provided(updatedAt: "2026-01-02T00:00:00.000Z", lastObservedAt: "2026-01-02T00:00:00.000Z")
                ], importableAccounts: nil, historyTime: Self.t0 + 1)
            #expect(later.outcomes.map(\.isSuccess) == [true])
            #expect(try store.historyRecordCount() == 1)
            // A new title, a changed resource, a removed member.
            let changed = try store.importRequest(
                findings: [
                    Self.provided(
                        updatedAt: "2026-01-03T00:00:00.000Z", title: "New title", sourceUrl: false,
                        resources: #"[{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::other"}]"#)
                ], importableAccounts: nil, historyTime: Self.t0 + 2)
            #expect(changed.outcomes.map(\.isSuccess) == [true])
            records = try Self.history(store).records
            try #require(records.count == 2)
            #expect(!records[0].findingCreated && records[0].identity == Self.arn)
            let changes = try Self.updates(records[0])
            #expect(changes["Title"]?.old == "A title" && changes["Title"]?.new == "New title")
            #expect(changes["SourceUrl"]?.old == "https://example.com/finding" && changes["SourceUrl"]?.new == nil)
            #expect(changes["Resources"]?.new == #"[{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::other"}]"#)
            #expect(changes.count == 3, "nothing else: \(changes.keys.sorted())")
            // An older document is ignored: no record.
            _ = try store.importRequest(
                findings: [Self.provided(updatedAt: "2025-12-31T00:00:00.000Z")], importableAccounts: nil,
                historyTime: Self.t0 + 3)
            #expect(try store.historyRecordCount() == 2)
            // Updates and imports share one chain.
            try Self.update(store, FindingUpdate(workflowStatus: .resolved), at: Self.t0 + 4)
            #expect(
                try Self.history(store).records.map(\.sourceType) == [
                    .batchUpdateFindings, .batchImportFindings, .batchImportFindings,
                ])
        }
    }

    @Test func aRecordOverTheLimitLeavesOutItsNewValues() throws {
        try Data.withStore { store, _ in
            _ = try store.importRequest(findings: [Data.document()], importableAccounts: nil, historyTime: Self.t0)
            let long = String(repeating: "x", count: 40_000)
            _ = try store.importRequest(
                findings: [
                    Data.document(updatedAt: "2026-01-02T00:00:00.000Z", ["Description": Data.quoted(long + "a")])
                ], importableAccounts: nil, historyTime: Self.t0 + 1)
            _ = try store.importRequest(
                findings: [
                    Data.document(updatedAt: "2026-01-03T00:00:00.000Z", ["Description": Data.quoted(long + "b")])
                ], importableAccounts: nil, historyTime: Self.t0 + 2)
            let records = try Self.history(store).records
            try #require(records.count == 3)
            let small = try Self.updates(records[1])["Description"]
            #expect(small?.old == "A description" && small?.new == long + "a")
            let large = try Self.updates(records[0])["Description"]
            #expect(large?.old == long + "a" && large?.new == nil)
        }
    }

    @Test func theCLIStorePathsRecordNothing() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            _ = try store.apply(
                batch: [(sequence: 0, identifier: Self.key())], update: FindingUpdate(workflowStatus: .resolved),
                now: Self.now)
            _ = try store.applyRequest(
                identifiers: [Self.key()], update: FindingUpdate(workflowStatus: .notified), now: Self.now,
                updatableAccounts: nil)
            _ = try store.importRequest(
                findings: [Data.document(updatedAt: "2026-01-02T00:00:00.000Z", ["Title": #""T""#])],
                importableAccounts: nil)
            #expect(try store.historyRecordCount() == 0)
            #expect(Data.value(try Data.stored(store), "Workflow.Status") == .string("NOTIFIED"))
        }
    }

    @Test func recordsExpireAfterNinetyDays() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(), Data.document(id: "other")])
            let old = Self.t0 - 100 * Self.day
            try Self.update(store, FindingUpdate(workflowStatus: .notified), at: old)
            try Self.update(store, FindingUpdate(workflowStatus: .resolved), at: old + 1)
            try Self.update(store, FindingUpdate(confidence: 5), at: old + 2, ids: ["other"])
            // Not yet pruned, but not shown past 90 days.
            #expect(try store.historyRecordCount() == 3)
            #expect(try Self.history(store, now: Self.t0).records.isEmpty)
            #expect(try Self.history(store, now: old + 2).records.count == 2)
            // The newest record stays even once expired (ids never come back), but is not shown.
            #expect(try store.pruneHistory(now: Self.t0) == 2)
            #expect(try store.historyRecordCount() == 1)
            #expect(try Self.history(store, "other", now: old + 2).records.count == 1)
            #expect(try Self.history(store, "other", now: Self.t0).records.isEmpty)
            // A finding whose chain was pruned starts a new one.
            try Self.update(store, FindingUpdate(workflowStatus: .new), at: Self.t0)
            #expect(try Self.history(store, now: Self.t0).records.map(\.updateTime) == [Self.t0])
            #expect(try store.pruneHistory(now: Self.t0) == 1)
            #expect(try store.historyRecordCount() == 1)
        }
    }

    @Test func theWriterPrunesOnItsOwnAtMostOnceAMinute() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(), Data.document(id: "other")])
            let old = Self.t0 - 100 * Self.day
            try Self.update(store, FindingUpdate(workflowStatus: .notified), at: old)
            try Self.update(store, FindingUpdate(workflowStatus: .resolved), at: old + 1)
            #expect(try store.historyRecordCount() == 2)
            // The next request past the interval prunes before it inserts: all but the newest.
            try Self.update(store, FindingUpdate(confidence: 5), at: Self.t0, ids: ["other"])
            #expect(try store.historyRecordCount() == 2)
            // Within the interval: no prune.
            try Self.update(store, FindingUpdate(confidence: 6), at: Self.t0 + 1, ids: ["other"])
            #expect(try store.historyRecordCount() == 3)
            // Past it: the expired record goes.
            try Self.update(store, FindingUpdate(confidence: 7), at: Self.t0 + 60_000, ids: ["other"])
            #expect(try store.historyRecordCount() == 3)
            #expect(try Self.history(store, "other", now: Self.t0 + 60_000).records.count == 3)
        }
    }

    @Test func concurrentRequestsEachGetTheirRecords() throws {
        try Data.withStore { store, _ in
            let ids = (0..<8).map { "f\($0)" }
            _ = try store.import(findings: ids.map { Data.document(id: $0) })
            let count = 64
            let done = DispatchGroup()
            let failures = Mutex(0)
            for index in 0..<count {
                done.enter()
                store.applyRequest(
                    identifiers: [Self.key(ids[index % 8])], update: FindingUpdate(confidence: index + 1),
                    now: Self.now, updatableAccounts: nil,
                    history: FindingHistory.Stamp(identity: Self.user, time: Self.t0 + Int64(index))
                ) { result in
                    if case .failure = result { failures.withLock { $0 += 1 } }
                    done.leave()
                }
            }
            #expect(done.wait(timeout: .now() + 120) == .success)
            #expect(failures.withLock { $0 } == 0)
            #expect(try store.historyRecordCount() == count)
            for (offset, id) in ids.enumerated() {
                let records = try Self.history(store, id).records
                #expect(
                    records.map(\.updateTime)
                        == stride(from: count - 8 + offset, through: offset, by: -8).map {
                            Self.t0 + Int64($0)
                        })
                let newest = try Self.updates(try #require(records.first))["Confidence"]
                #expect(newest?.new == String(count - 8 + offset + 1))
            }
        }
    }

    @Test func aV2StoreMigratesWithItsFindingsAndNoHistory() throws {
        try Data.withStore { store, url in
            _ = try store.import(findings: [Data.document(), Data.document(id: "other")])
            try Self.update(store, FindingUpdate(workflowStatus: .notified), at: Self.t0)
            let expected = try store.finding(Self.key())
            _ = consume store
            // Back to v2: no history table or column, the migration unrecorded.
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in
                try db.execute(sql: "DROP TABLE finding_history")
                try db.execute(sql: "ALTER TABLE finding DROP COLUMN history_head")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-history'")
            }
            try queue.close()
            var options = StoreOptions()
            options.access = .update
            let migrated = try FindingsStore(path: url.path, options: options)
            #expect(try migrated.count() == 2)
            #expect(try migrated.finding(Self.key()) == expected)
            #expect(try Self.history(migrated).records.isEmpty)
            try Self.update(migrated, FindingUpdate(workflowStatus: .resolved), at: Self.t0 + 1)
            let records = try Self.history(migrated).records
            #expect(records.count == 1)
            #expect(try Self.updates(try #require(records.first))["Workflow.Status"]?.old == "NOTIFIED")
        }
    }
}
