import GRDB
import GRDBSQLite
import TriageCore

extension FindingsStore {
    /// One page of GetFindings results (`docs/serve.md`, GetFindings), read on one of the
    /// read-only connections (``ReaderPool``) in one snapshot: a query never waits for a write.
    ///
    /// - Filters on `Id`, `ProductArn`, `AwsAccountId`, `Region`, `WorkflowStatus`,
    ///   `RecordState`, `SeverityLabel`, `ComplianceStatus` and `UpdatedAt` run in SQL on their
    ///   columns (``IndexedColumn``); the others are matched in Swift on the rows SQL streams in
    ///   order, and the read stops at the first match past the page (``QueryPlan``,
    ///   ``QueryReader``). With the default order a page filtered with `EQUALS` on one of those
    ///   fields is read from its index.
    /// - `SortCriteria` with one criterion on one of those fields is read in order from SQL; any
    ///   other order is computed: each page reads every finding that passes the SQL filters.
    /// - `visibleAccounts` (`nil`: all) keeps the findings whose `AwsAccountId` is one of them
    ///   (byte for byte), in SQL; `visibleRegions` (`nil`: all) likewise keeps the findings whose
    ///   Region (the `region` column: the `Region` filter's value) is one of them.
    ///
    /// - Parameters:
    ///   - query: the filters, order and page size; its `nextToken` is not read (the caller turns
    ///     its token into `after`).
    ///   - after: the previous page's ``FindingsPage/cursor``, `nil` for the first page.
    ///   - now: epoch milliseconds, for `DateRange` filters (the server's clock).
    /// - Returns: at most `query.maxResults` findings composed exactly as `triage export` writes
    ///   them, and a cursor when more follow. Pages continue strictly after the previous page's
    ///   last finding (keyset on the sort key, `ProductArn`, `Id`): paging while the store is
    ///   updated returns every finding whose sort key does not change exactly once (with the
    ///   default order, which `BatchUpdateFindings` never changes, every finding).
    /// - Throws: ``StoreError`` `InvalidCursor` for a cursor this order did not issue; other
    ///   codes when the store cannot be read.
    package func findings(
        _ query: FindingsQuery, visibleAccounts: Set<String>?, visibleRegions: Set<String>? = nil,
        after cursor: [UInt8]?, now: Int64
    ) throws(StoreError) -> FindingsPage {
        let position = try cursor.map { bytes throws(StoreError) in try QueryCursor(bytes: bytes) }
        var key: FindingSortKey?
        switch QueryPlan.order(of: query) {
        case .column(let column, _):
            if let position { try Self.check(position, fits: column) }
        case .computed:
            if let position {
                guard case .computed(let sortKey) = position, Self.fits(sortKey, query.sortCriteria) else {
                    throw Self.foreignCursor
                }
                key = sortKey
            }
        }
        let after = key
        return try readSnapshot("querying findings") { db in
            let plan = try Self.plan(query, visibleAccounts, visibleRegions, now: now, in: db)
            if plan.matchesNothing { return FindingsPage(findings: [], cursor: nil) }
            let reader = QueryReader(query: query, plan: plan, now: now)
            switch plan.order {
            case .column(let column, let descending):
                return try reader.columnPage(db, column: column, descending: descending, after: position)
            case .computed:
                return try reader.computedPage(db, after: after)
            }
        }
    }

    /// SQLite's plan for the first page of `query` (`EXPLAIN QUERY PLAN` detail lines, e.g.
    /// `SEARCH f USING INDEX finding_by_region (region=? AND updated_key<?)`), for tests and
    /// diagnostics; empty when no finding can match.
    package func queryPlan(
        _ query: FindingsQuery, visibleAccounts: Set<String>?, visibleRegions: Set<String>? = nil, now: Int64
    ) throws(StoreError) -> [String] {
        try readSnapshot("explaining a query") { db in
            let plan = try Self.plan(query, visibleAccounts, visibleRegions, now: now, in: db)
            if plan.matchesNothing { return [] }
            return try QueryReader(query: query, plan: plan, now: now).explain(db)
        }
    }

    /// The plan of `query` read in `db`: without visible Regions, the store's own Regions pair
    /// with the index ranges (``QueryPlan``), read in the same snapshot as the page.
    private static func plan(
        _ query: FindingsQuery, _ visibleAccounts: Set<String>?, _ visibleRegions: Set<String>?, now: Int64,
        in db: Database
    ) throws -> QueryPlan {
        let storeRegions = visibleRegions == nil && QueryPlan.pairsRegions(query) ? try regions(in: db) : nil
        return QueryPlan(
            query, visibleAccounts: visibleAccounts.map(AccountSet.init),
            visibleRegions: visibleRegions.map(RegionSet.init), storeRegions: storeRegions, now: now)
    }

    /// The distinct Regions of the stored findings (the empty one included), one seek of the
    /// Region index each.
    static func regions(in db: Database) throws -> [String] {
        let first = try RawStatement(db, sql: "SELECT region FROM finding ORDER BY region LIMIT 1")
        let next = try RawStatement(db, sql: "SELECT region FROM finding WHERE region > ?1 ORDER BY region LIMIT 1")
        defer {
            first.finalize()
            next.finalize()
        }
        var regions: [String] = []
        var statement = first
        while true {
            let result = statement.step()
            guard result == SQLITE_ROW else {
                statement.reset()
                if result == SQLITE_DONE { return regions }
                throw statement.error(result)
            }
            let region = statement.text(at: 0) ?? ""
            statement.reset()
            regions.append(region)
            next.bind(region, at: 1)
            statement = next
        }
    }

    /// The read-only connections open now (at most ``StoreOptions/readers``).
    package var readerConnections: Int { readers.openCount }

    private static let foreignCursor = StoreError(
        code: .invalidCursor, message: "the page cursor does not belong to a query with this order")

    /// Checks that a column cursor has a value of the column's type in its phase.
    private static func check(_ cursor: QueryCursor, fits column: IndexedColumn) throws(StoreError) {
        guard case .column(let phase, let value, _, _) = cursor else { throw foreignCursor }
        switch (phase, value) {
        case (1, .null) where column.isNullable: return
        case (0, .integer) where column == .updatedKey: return
        case (0, .text) where column != .updatedKey: return
        default: throw foreignCursor
        }
    }

    /// Whether a computed cursor has one value per criterion, each of the field's kind.
    private static func fits(_ key: FindingSortKey, _ criteria: [SortCriterion]) -> Bool {
        guard key.values.count == criteria.count else { return false }
        return zip(key.values, criteria).allSatisfy { value, criterion in
            switch (value, criterion.field.kind) {
            case (.missing, let kind): kind != .boolean
            case (.text, .string), (.text, .ip), (.number, .number), (.instant, .date), (.flag, .boolean): true
            default: false
            }
        }
    }
}
