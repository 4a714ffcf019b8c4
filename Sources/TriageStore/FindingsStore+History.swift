import GRDB
import GRDBSQLite
import TriageCore

extension FindingsStore {
    /// One page of a finding's history (`GetFindingHistory`), newest first (``FindingHistory``).
    ///
    /// Reads the finding's chain from its newest record (or from `cursor`, a page's
    /// ``FindingHistory/Page/next``), keeping the records whose `UpdateTime` lies in the query's
    /// window and in the last 90 days at `now`, up to `query.limit`. The chain is in time order,
    /// so the walk stops at the first record before the window; records after `query.end` are
    /// skipped. `next` is set only when another record of the window follows (no empty last page).
    ///
    /// A finding that does not exist, or that the caller may not see (its `AwsAccountId` outside
    /// `visibleAccounts`, its Region outside `visibleRegions`, when given), has no records: the
    /// same answer, so that the page does not reveal whether it exists.
    /// - Throws: ``StoreError`` when the store cannot be read.
    package func findingHistory(
        _ query: FindingHistory.Query, visibleAccounts: Set<String>?, visibleRegions: Set<String>? = nil,
        after cursor: Int64?, now: Int64
    ) throws(StoreError) -> FindingHistory.Page {
        let accounts = visibleAccounts.map(AccountSet.init)
        let regions = visibleRegions.map(AccountSet.init)
        return try readSnapshot("reading finding history") { db in
            try Self.historyPage(
                db, query, accounts: accounts, regions: regions, after: cursor, now: now)
        }
    }

    /// Deletes every history record expired at `now` (older than 90 days), a chunk per
    /// transaction; returns how many. The writer also prunes on its own, a chunk at a time
    /// (``FindingHistoryPruner``): this is for tests and maintenance.
    @discardableResult
    package func pruneHistory(now: Int64) throws(StoreError) -> Int {
        var total = 0
        while true {
            let deleted = try write("pruning finding history") { db in
                try FindingHistoryPruner.prune(db, now: now, limit: FindingHistory.pruneChunk)
            }
            total += deleted
            if deleted < FindingHistory.pruneChunk { return total }
        }
    }

    /// The number of history records kept (for tests and diagnostics).
    package func historyRecordCount() throws(StoreError) -> Int {
        try read("counting finding history") { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM finding_history") ?? 0
        }
    }

    private static func historyPage(
        _ db: Database, _ query: FindingHistory.Query, accounts: AccountSet?, regions: AccountSet?,
        after cursor: Int64?, now: Int64
    ) throws -> FindingHistory.Page {
        let empty = FindingHistory.Page(records: [], next: nil)
        guard let head = try visibleHead(db, query.identifier, accounts: accounts, regions: regions) else {
            return empty
        }
        let oldest = max(query.start ?? Int64.min, now - FindingHistory.retentionMilliseconds)
        let statement = try RawStatement(
            db,
            sql: """
                SELECT previous, update_time, source, created, identity, updates
                FROM finding_history WHERE history_id = ?1
                """)
        defer { statement.finalize() }
        var records: [FindingHistory.Record] = []
        var id = cursor ?? head
        while id > 0 {
            statement.bind(Int(id), at: 1)
            defer { statement.reset() }
            let result = statement.step()
            guard result == SQLITE_ROW else {
                if result == SQLITE_DONE { break }  // pruned: the chain ends here
                throw statement.error(result)
            }
            let previous = Int64(statement.int(at: 0))
            let time = Int64(statement.int(at: 1))
            if time < oldest { break }
            if let end = query.end, time > end {
                id = previous < id ? previous : 0
                continue
            }
            if records.count == query.limit { return FindingHistory.Page(records: records, next: id) }
            let sourceType = FindingHistory.SourceType(rawValue: statement.int(at: 2)) ?? .batchUpdateFindings
            records.append(
                FindingHistory.Record(
                    updateTime: time, sourceType: sourceType,
                    identity: statement.text(at: 4) ?? query.identifier.productArn,
                    findingCreated: statement.int(at: 3) != 0,
                    updates: statement.withBlob(at: 5) { Array($0) }))
            // Ids grow in commit order: a previous id that does not is not followed (no loop).
            id = previous < id ? previous : 0
        }
        return FindingHistory.Page(records: records, next: nil)
    }

    /// The finding's newest record id, or `nil` when it does not exist or is not visible.
    private static func visibleHead(
        _ db: Database, _ identifier: FindingIdentifier, accounts: AccountSet?, regions: AccountSet?
    ) throws -> Int64? {
        let statement = try RawStatement(
            db, sql: "SELECT aws_account_id, region, history_head FROM finding WHERE product_arn = ?1 AND id = ?2")
        defer { statement.finalize() }
        statement.bind(identifier.productArn, at: 1)
        statement.bind(identifier.id, at: 2)
        let result = statement.step()
        guard result == SQLITE_ROW else {
            if result == SQLITE_DONE { return nil }
            throw statement.error(result)
        }
        if let accounts, !accounts.contains(statement.text(at: 0) ?? "") { return nil }
        if let regions, !regions.contains(statement.text(at: 1) ?? "") { return nil }
        return Int64(statement.int(at: 2))
    }
}
