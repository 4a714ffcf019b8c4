import TriageCore

/// The history of findings that `triage serve` keeps for `GetFindingHistory` (`docs/serve.md`,
/// finding history): one record per change that a `BatchUpdateFindings` or `BatchImportFindings`
/// request made to a finding, kept 90 days.
///
/// Layout (``StoreSchema``, migration `v3-history`): the records sit in `finding_history`, a rowid
/// table in commit order (each insert appends at its right edge, so a record costs one insert on
/// pages the transaction already holds); each finding row holds `history_head`, the id of its
/// newest record, and each record the id of the one before it (`previous`). A finding's history
/// is read newest first by following that chain: no index on the finding's key, which would make
/// each record an insert at a random place of a second B-tree.
package enum FindingHistory {
    /// How long records are kept and shown: 90 days, in milliseconds (Security Hub returns the
    /// history of the last 90 days).
    package static let retentionMilliseconds: Int64 = 90 * 86_400_000

    /// The most records one `GetFindingHistory` page holds (the model's `MaxResults` bound).
    package static let maxPageRecords = 100

    /// The most expired records one prune deletes, so that a backlog never holds the writer long.
    static let pruneChunk = 10_000

    /// How often the writer prunes at most, in milliseconds (a full chunk prunes again sooner).
    static let pruneInterval: Int64 = 60_000

    /// The `Updates` of the record that creates a finding: none (the AWS CLI's example of
    /// `get-finding-history` shows `"FindingCreated": true` with `"Updates": []`).
    static let noUpdates: [UInt8] = Array("[]".utf8)

    /// `FindingHistoryUpdateSource.Type`: which operation made the change.
    package enum SourceType: Int, Sendable {
        /// A `BatchUpdateFindings` request; the identity is the caller's ARN.
        case batchUpdateFindings = 0
        /// A `BatchImportFindings` request; the identity is the finding's `ProductArn`.
        case batchImportFindings = 1

        /// The API's name, e.g. `BATCH_UPDATE_FINDINGS`.
        package var name: String {
            switch self {
            case .batchUpdateFindings: "BATCH_UPDATE_FINDINGS"
            case .batchImportFindings: "BATCH_IMPORT_FINDINGS"
            }
        }
    }

    /// Who made the changes of one `BatchUpdateFindings` request, and when: what its records hold.
    package struct Stamp: Sendable, Equatable {
        /// The caller's ARN, as STS `GetCallerIdentity` names it.
        package var identity: String
        /// When the service processed the request, epoch milliseconds.
        package var time: Int64

        /// A stamp of `identity` at `time` (epoch milliseconds).
        package init(identity: String, time: Int64) {
            self.identity = identity
            self.time = time
        }
    }

    /// One record, as `GetFindingHistory` answers it.
    package struct Record: Sendable, Equatable {
        /// `UpdateTime`, epoch milliseconds.
        package var updateTime: Int64
        /// `UpdateSource.Type`.
        package var sourceType: SourceType
        /// `UpdateSource.Identity`.
        package var identity: String
        /// `FindingCreated`.
        package var findingCreated: Bool
        /// `Updates`: the JSON array of `{"UpdatedField", "OldValue", "NewValue"}` objects, compact
        /// (``HistoryChanges``); `[]` for a record that created the finding.
        package var updates: [UInt8]
    }

    /// The window and page of one `GetFindingHistory` call.
    package struct Query: Sendable, Equatable {
        /// The finding.
        package var identifier: FindingIdentifier
        /// `StartTime`, epoch milliseconds (inclusive); `nil` for the oldest kept.
        package var start: Int64?
        /// `EndTime`, epoch milliseconds (inclusive); `nil` for no bound.
        package var end: Int64?
        /// `MaxResults`, 1 to ``FindingHistory/maxPageRecords``.
        package var limit: Int

        /// A query of `identifier`'s records from `start` to `end`, `limit` a page.
        package init(identifier: FindingIdentifier, start: Int64? = nil, end: Int64? = nil, limit: Int = 100) {
            self.identifier = identifier
            self.start = start
            self.end = end
            self.limit = limit
        }
    }

    /// One page of records, newest first, and where the next page starts.
    package struct Page: Sendable, Equatable {
        /// The records, newest first.
        package var records: [Record]
        /// The id of the next record to read (the page's cursor), `nil` on the last page.
        package var next: Int64?
    }
}
