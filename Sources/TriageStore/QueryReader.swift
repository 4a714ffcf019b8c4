import GRDB
import GRDBSQLite
import TriageCore

/// Reads one page of a query inside one read transaction, as its ``QueryPlan`` says.
///
/// Rows stream from SQLite; the residual filters are tested on the members of each row they
/// read (``TriageCore/FindingProjection``, without composing the finding), and only the findings
/// of the page are composed. A column-order read stops at the first match past the page; a
/// computed-order read keys every row that passes SQL and keeps the least page-plus-one keys.
struct QueryReader {
    let query: FindingsQuery
    let plan: QueryPlan
    let now: Int64
    private let projection: FindingProjection

    init(query: FindingsQuery, plan: QueryPlan, now: Int64) {
        self.query = query
        self.plan = plan
        self.now = now
        var names: Set<String>? = ["ProductArn", "Id"]
        var fields = plan.residual.map(\.field)
        if plan.order == .computed { fields += query.sortCriteria.map(\.field) }
        for field in fields {
            guard let members = field.topLevelMembers else {
                names = nil
                break
            }
            names?.formUnion(members)
        }
        projection = FindingProjection(names: names)
    }

    /// The columns every read selects: `pa`, `fid`, the state, the owned mask, the document body.
    private static let selected = "f.product_arn AS pa, f.id AS fid, f.customer_state, f.owned, d.body"
    private static let from = "FROM finding f JOIN finding_document d ON d.document_id = f.document_id"
    /// The same without the document (an empty body), for a computed order whose keys and
    /// residual filters read only the state and the keys.
    private static let selectedWithoutDocument = "f.product_arn AS pa, f.id AS fid, f.customer_state, f.owned, x''"
    private static let fromWithoutDocument = "FROM finding f"

    // MARK: Column order

    /// The page after `cursor` (a `.column` cursor, or `nil` for the first page) in the order of
    /// `column`.
    func columnPage(_ db: Database, column: IndexedColumn, descending: Bool, after cursor: QueryCursor?) throws
        -> FindingsPage
    {
        var page: [[UInt8]] = []
        var last: QueryCursor?
        var more = false
        let startPhase: Int
        if case .column(let phase, _, _, _)? = cursor { startPhase = phase } else { startPhase = 0 }
        for phase in startPhase...(column.isNullable ? 1 : 0) {
            let statement = try Self.prepare(
                db,
                statement(
                    column: column, descending: descending, phase: phase, after: phase == startPhase ? cursor : nil))
            defer { statement.finalize() }
            var result = statement.step()
            while result == SQLITE_ROW {
                if let finding = try matchingFinding(statement, compose: page.count < query.maxResults) {
                    if page.count == query.maxResults {
                        more = true
                        break
                    }
                    page.append(finding)
                    let value: QueryCursor.ColumnValue
                    if statement.isNull(at: 5) {
                        value = .null
                    } else if column == .updatedKey {
                        value = .integer(Int64(statement.int(at: 5)))
                    } else {
                        value = .text(statement.text(at: 5) ?? "")
                    }
                    last = .column(
                        phase: phase, value: value, productArn: statement.text(at: 0) ?? "",
                        id: statement.text(at: 1) ?? "")
                }
                result = statement.step()
            }
            if more { break }
            guard result == SQLITE_DONE else { throw statement.error(result) }
        }
        return FindingsPage(findings: page, cursor: more ? last?.encoded : nil)
    }

    /// The statement of one phase: the legs (or one read) with the terms, the phase's `NULL`
    /// test and the keyset after the cursor, in order.
    private func statement(column: IndexedColumn, descending: Bool, phase: Int, after cursor: QueryCursor?)
        -> SQLTerm
    {
        let key = column.qualified
        var common = plan.terms
        if column.isNullable { common.append(SQLTerm(phase == 0 ? "\(key) IS NOT NULL" : "\(key) IS NULL")) }
        if case .column(_, let value, let productArn, let id)? = cursor {
            let tie = SQLTerm(
                "(f.product_arn > ? OR (f.product_arn = ? AND f.id > ?))",
                [.text(productArn), .text(productArn), .text(id)])
            let bound: SQLTerm.Argument?
            switch value {
            case .null: bound = nil
            case .integer(let integer): bound = .integer(integer)
            case .text(let text): bound = .text(text)
            }
            if let bound {
                // The plain bound lets SQLite seek the order's index; the rest is the keyset.
                let beyond = descending ? "<" : ">"
                common.append(SQLTerm("\(key) \(beyond)= ?", [bound]))
                common.append(
                    SQLTerm("(\(key) \(beyond) ? OR (\(key) = ? AND \(tie.sql)))", [bound, bound] + tie.arguments))
            } else {
                common.append(tie)
            }
        }
        let legs: [SQLTerm?] =
            plan.legs.map { legs in
                legs.ranges.map { leg in
                    guard let region = leg.region else {
                        return SQLTerm("\(legs.column.qualified) = ?", [.text(leg.value)])
                    }
                    return SQLTerm(
                        "\(legs.column.qualified) = ? AND \(IndexedColumn.region.qualified) = ?",
                        [.text(leg.value), .text(region)])
                }
            } ?? [nil]
        var sql: [String] = []
        var arguments: [SQLTerm.Argument] = []
        for leg in legs {
            let condition = SQLTerm.all((leg.map { [$0] } ?? []) + common)
            sql.append("SELECT \(Self.selected), \(key) AS sort_value \(Self.from) WHERE \(condition.sql)")
            arguments += condition.arguments
        }
        let order = phase == 0 ? "sort_value \(descending ? "DESC" : "ASC"), pa, fid" : "pa, fid"
        return SQLTerm(sql.joined(separator: " UNION ALL ") + " ORDER BY " + order, arguments)
    }

    /// The first page's statement (the first phase of a column order).
    private func firstStatement() -> SQLTerm {
        switch plan.order {
        case .column(let column, let descending):
            return statement(column: column, descending: descending, phase: 0, after: nil)
        case .computed:
            let condition = SQLTerm.all(plan.terms)
            let (selected, from) =
                projection.readsDocument
                ? (Self.selected, Self.from) : (Self.selectedWithoutDocument, Self.fromWithoutDocument)
            return SQLTerm("SELECT \(selected) \(from) WHERE \(condition.sql)", condition.arguments)
        }
    }

    /// SQLite's plan for the first page (`EXPLAIN QUERY PLAN`, one detail line per step).
    func explain(_ db: Database) throws -> [String] {
        let first = firstStatement()
        let statement = try Self.prepare(db, SQLTerm("EXPLAIN QUERY PLAN " + first.sql, first.arguments))
        defer { statement.finalize() }
        var lines: [String] = []
        var result = statement.step()
        while result == SQLITE_ROW {
            lines.append(statement.text(at: 3) ?? "")
            result = statement.step()
        }
        guard result == SQLITE_DONE else { throw statement.error(result) }
        return lines
    }

    private static func prepare(_ db: Database, _ term: SQLTerm) throws -> RawStatement {
        let statement = try RawStatement(db, sql: term.sql)
        bind(term.arguments, to: statement)
        return statement
    }

    // MARK: Computed order

    /// The page after `cursor` (or the first page) in the computed order.
    func computedPage(_ db: Database, after cursor: FindingSortKey?) throws -> FindingsPage {
        let statement = try Self.prepare(db, firstStatement())
        defer { statement.finalize() }
        let criteria = query.sortCriteria
        let keep = query.maxResults + 1
        var best: [FindingSortKey] = []
        var result = statement.step()
        while result == SQLITE_ROW {
            if let members = try matchingMembers(statement) {
                let key = query.sortKey(of: members)
                if cursor.map({ FindingSortKey.compare(key, $0, criteria: criteria) > 0 }) ?? true,
                    best.count < keep || FindingSortKey.compare(key, best[best.count - 1], criteria: criteria) < 0
                {
                    var low = 0
                    var high = best.count
                    while low < high {
                        let middle = (low + high) / 2
                        if FindingSortKey.compare(best[middle], key, criteria: criteria) < 0 {
                            low = middle + 1
                        } else {
                            high = middle
                        }
                    }
                    best.insert(key, at: low)
                    if best.count > keep { best.removeLast() }
                }
            }
            result = statement.step()
        }
        guard result == SQLITE_DONE else { throw statement.error(result) }
        let shown = best.prefix(query.maxResults)
        var page: [[UInt8]] = []
        for key in shown {
            let identifier = FindingIdentifier(id: key.id, productArn: key.productArn)
            guard let finding = try FindingsStore.composedFinding(identifier, in: db) else { continue }
            page.append(finding)
        }
        let more = best.count > query.maxResults
        return FindingsPage(findings: page, cursor: more ? shown.last.map { QueryCursor.computed($0).encoded } : nil)
    }

    // MARK: Rows

    /// The current row's finding composed when it passes the residual filters (an empty array
    /// when `compose` is false), or `nil` when it does not pass.
    private func matchingFinding(_ statement: RawStatement, compose: Bool) throws -> [UInt8]? {
        let owned = OwnedFields(rawValue: statement.int(at: 3))
        let state = try statement.withBlob(at: 2) { bytes in try CustomerState(encoded: bytes, owned: owned) }
        if !plan.residual.isEmpty, !projection.readsDocument {
            let members = projection.members(
                state: state, productArn: statement.text(at: 0) ?? "", id: statement.text(at: 1) ?? "")
            guard plan.residual.allSatisfy({ $0.matches(members, now: now) }) else { return nil }
        }
        return try statement.withBlob(at: 4) { body -> [UInt8]? in
            let layout = try JSONObjectLayout.scan(body)
            if !plan.residual.isEmpty, projection.readsDocument {
                let members = try projection.members(provider: body, layout: layout, state: state)
                guard plan.residual.allSatisfy({ $0.matches(members, now: now) }) else { return nil }
            }
            guard compose else { return [] }
            var out: [UInt8] = []
            out.reserveCapacity(body.count + state.membersByteCount + 16)
            FindingComposer.compose(provider: body, layout: layout, state: state, into: &out)
            return out
        }
    }

    /// The members of the current row that the residual filters and the order read, or `nil`
    /// when it does not pass the residual filters.
    private func matchingMembers(_ statement: RawStatement) throws -> JSONValue? {
        let owned = OwnedFields(rawValue: statement.int(at: 3))
        let state = try statement.withBlob(at: 2) { bytes in try CustomerState(encoded: bytes, owned: owned) }
        let members =
            projection.readsDocument
            ? try statement.withBlob(at: 4) { body in try projection.members(provider: body, state: state) }
            : projection.members(state: state, productArn: statement.text(at: 0) ?? "", id: statement.text(at: 1) ?? "")
        return plan.residual.allSatisfy({ $0.matches(members, now: now) }) ? members : nil
    }

    private static func bind(_ arguments: [SQLTerm.Argument], to statement: RawStatement) {
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            switch argument {
            case .text(let text): statement.bind(text, at: index)
            case .bytes(let bytes): statement.bind(textBytes: bytes, at: index)
            case .integer(let integer): statement.bind(Int(integer), at: index)
            }
        }
    }
}
