import TriageCore

/// How the store runs one ``TriageCore/FindingsQuery``: the filters SQL evaluates (those on an
/// ``IndexedColumn``), the ones left to Swift (``residual``), and where the order comes from.
///
/// - Column order (one criterion on an indexed column, the default `UpdatedAt` descending
///   among them): SQL reads rows in order, ties by `ProductArn`, `Id`; a nullable column in two
///   phases, findings with a value first. With the `UpdatedAt` order, a field whose filters are
///   all `EQUALS` (or else the visible accounts or the visible Regions, whichever has fewer values,
///   up to ``maxAccountLegs``) drives the read: one index range per value, merged in order by
///   SQLite (`UNION ALL`), so that the page stops when it is full. The other terms are written
///   `+column`, so that no other index (and no sort of its rows) is chosen over the order's.
/// - Visibility: the caller's accounts and Regions (``RegionSet``) are terms like any filter's,
///   or restrict the driving values when they are on the driving column; a caller who sees one
///   Region reads that Region's index range instead of skipping the others' rows.
/// - Computed order (several criteria, or one on a field without a column): every row passing
///   the SQL terms is read and keyed in Swift, and the page is the least keys after the cursor
///   (a scan per page).
struct QueryPlan {
    /// Where the order comes from.
    enum Order: Equatable {
        /// SQL, on a column.
        case column(IndexedColumn, descending: Bool)
        /// Swift (``TriageCore/FindingSortKey``).
        case computed
    }

    /// Most visible accounts that drive a read as index ranges of their own.
    static let maxAccountLegs = 64

    let order: Order
    /// Terms every row must pass (ANDed).
    private(set) var terms: [SQLTerm] = []
    /// The driving column and its values: one leg each.
    private(set) var legs: (column: IndexedColumn, values: [String])?
    /// The filters matched in Swift.
    private(set) var residual: [FieldFilters] = []
    /// Whether no finding can match (no visible account or Region, or none a driving filter allows).
    private(set) var matchesNothing = false

    /// The plan for `query` over the findings of `visibleAccounts` in `visibleRegions` (`nil`: all)
    /// at `now`.
    init(_ query: FindingsQuery, visibleAccounts: AccountSet?, visibleRegions: RegionSet? = nil, now: Int64) {
        if query.sortCriteria.count == 1, let column = IndexedColumn(field: query.sortCriteria[0].field.name) {
            order = .column(column, descending: query.sortCriteria[0].descending)
        } else {
            order = .computed
        }
        let streaming = order != .computed
        var driving: (column: IndexedColumn, values: [String])?
        var drivingFilter: IndexedColumn?
        if case .column(.updatedKey, _) = order {
            driving = Self.drivingFilter(query)
            drivingFilter = driving?.column
            if driving == nil { driving = Self.visibleLegs(visibleAccounts, visibleRegions) }
        }
        for (column, visible) in [(IndexedColumn.awsAccountId, visibleAccounts), (.region, visibleRegions)] {
            guard let visible else { continue }
            if driving?.column == column {
                driving?.values.removeAll { !visible.contains($0) }
            } else {
                terms.append(Self.membership(visible.accounts, on: (streaming ? "+" : "") + column.qualified))
            }
        }
        legs = driving
        matchesNothing =
            (driving?.values.isEmpty ?? false) || (visibleAccounts?.accounts.isEmpty ?? false)
            || (visibleRegions?.accounts.isEmpty ?? false)
        for filters in query.filters {
            guard let column = IndexedColumn(field: filters.field.name) else {
                residual.append(filters)
                continue
            }
            if column == drivingFilter { continue }
            let expression = (streaming && !Self.seeks(filters) ? "+" : "") + column.qualified
            switch filters.condition {
            case .strings(let strings):
                terms.append(Self.term(strings, on: expression))
            case .dates(let dates):
                let (term, exact) = Self.term(dates, on: expression, now: now)
                terms.append(term)
                if !exact { residual.append(filters) }
            default:
                residual.append(filters)
            }
        }
    }

    /// The visible accounts or Regions that drive a read with no driving filter: the set with fewer
    /// values (accounts on a tie, as before Regions were kept apart), if it has at most
    /// ``maxAccountLegs``; nil when neither restricts.
    private static func visibleLegs(_ accounts: AccountSet?, _ regions: RegionSet?) -> (
        column: IndexedColumn, values: [String]
    )? {
        let legs = Self.maxAccountLegs
        let accountCount = accounts.map(\.accounts.count).flatMap { (1...legs).contains($0) ? $0 : nil }
        let regionCount = regions.map(\.accounts.count).flatMap { (1...legs).contains($0) ? $0 : nil }
        if let regionCount, let regions, regionCount < accountCount ?? .max { return (.region, regions.accounts) }
        if accountCount != nil, let accounts { return (.awsAccountId, accounts.accounts) }
        return nil
    }

    /// `column` is one of `values`: `= ?` for one, `IN (...)` for more.
    private static func membership(_ values: [String], on column: String) -> SQLTerm {
        if values.count == 1 { return SQLTerm("\(column) = ?", [.text(values[0])]) }
        let marks = values.map { _ in "?" }.joined(separator: ", ")
        return SQLTerm("\(column) IN (\(marks))", values.map { .text($0) })
    }

    /// Whether an `UpdatedAt` filter may seek the order's index (one range, not an OR of several).
    private static func seeks(_ filters: FieldFilters) -> Bool {
        if case .dates(let dates) = filters.condition { return dates.count == 1 }
        return false
    }

    /// The indexed field with the fewest values among those filtered by `EQUALS` only.
    private static func drivingFilter(_ query: FindingsQuery) -> (column: IndexedColumn, values: [String])? {
        var best: (column: IndexedColumn, values: [String])?
        for filters in query.filters {
            guard let column = IndexedColumn(field: filters.field.name), column != .updatedKey,
                case .strings(let strings) = filters.condition, strings.allSatisfy({ $0.comparison == .equals })
            else { continue }
            var values: [String] = []
            for value in strings.map(\.value) where !values.contains(where: { ByteOrder.compare($0, value) == 0 }) {
                values.append(value)
            }
            if values.count < best?.values.count ?? .max { best = (column, values) }
        }
        return best
    }

    /// String filters on one column: positive ones ORed, then negative ones ANDed; `NULL`
    /// (no value) fails the positive and passes the negative ones, as in ``TriageCore/FieldFilters``.
    private static func term(_ filters: [StringFilter], on column: String) -> SQLTerm {
        var positive: [SQLTerm] = []
        var negative: [SQLTerm] = []
        for filter in filters {
            let value = filter.value
            switch filter.comparison {
            case .equals: positive.append(SQLTerm("\(column) = ?", [.text(value)]))
            case .prefix: positive.append(prefixTerm(value, on: column))
            case .contains: positive.append(SQLTerm("instr(\(column), ?) > 0", [.text(value)]))
            case .notEquals: negative.append(SQLTerm("\(column) IS NOT ?", [.text(value)]))
            case .prefixNotEquals:
                let range = prefixTerm(value, on: column)
                negative.append(SQLTerm("(\(column) IS NULL OR NOT \(range.sql))", range.arguments))
            case .notContains:
                negative.append(SQLTerm("(\(column) IS NULL OR instr(\(column), ?) = 0)", [.text(value)]))
            }
        }
        return all((positive.isEmpty ? [] : [any(positive)]) + negative)
    }

    /// Texts starting with the bytes of `prefix`: from `prefix` up to, not including, `prefix`
    /// with its last byte incremented (UTF-8 never holds 0xFF, so the increment never carries).
    private static func prefixTerm(_ prefix: String, on column: String) -> SQLTerm {
        var upper = Array(prefix.utf8)
        upper[upper.count - 1] += 1
        return SQLTerm("(\(column) >= ? AND \(column) < ?)", [.text(prefix), .bytes(upper)])
    }

    /// Date filters on `updated_key`, ORed; `exact` unless a bound falls outside the
    /// nanosecond range (then SQL keeps a superset and Swift decides).
    private static func term(_ filters: [DateFilter], on column: String, now: Int64) -> (SQLTerm, exact: Bool) {
        var exact = true
        let ranges = filters.map { filter -> SQLTerm in
            let bounds = filter.nanosecondBounds(now: now)
            var parts: [SQLTerm] = []
            let extremes: [Int64?] = [Int64.min, Int64.max]
            if [bounds.lower, bounds.upper, bounds.below].contains(where: { $0 != nil && extremes.contains($0) }) {
                exact = false
            }
            if let lower = bounds.lower { parts.append(SQLTerm("\(column) >= ?", [.integer(lower)])) }
            if let upper = bounds.upper { parts.append(SQLTerm("\(column) <= ?", [.integer(upper)])) }
            if let below = bounds.below {
                parts.append(SQLTerm("\(column) \(below == .min || below == .max ? "<=" : "<") ?", [.integer(below)]))
            }
            return all(parts)
        }
        return (any(ranges), exact)
    }

    private static func all(_ terms: [SQLTerm]) -> SQLTerm { SQLTerm.all(terms) }
    private static func any(_ terms: [SQLTerm]) -> SQLTerm { SQLTerm.any(terms) }
}
