import TriageCore

/// How the store runs one ``TriageCore/FindingsQuery``: the filters SQL evaluates (those on an
/// ``IndexedColumn``), the ones left to Swift (``residual``), and where the order comes from.
///
/// - Column order (one criterion on an indexed column, the default `UpdatedAt` descending
///   among them): SQL reads rows in order, ties by `ProductArn`, `Id`; a nullable column in two
///   phases, findings with a value first. With the `UpdatedAt` order, index ranges drive the read,
///   merged in order by SQLite (`UNION ALL`) so that the page stops when it is full: the values of
///   the field whose filters are all `EQUALS` (the fewest values), or else the caller's visible
///   accounts and Regions. The other terms are written `+column`, so that no other index (and no
///   sort of its rows) is chosen over the order's.
/// - Regions: the indexes of the low-cardinality columns hold the Region second
///   (``IndexedColumn/isRegional``), so a range is one (value, Region) pair, exactly the rows of
///   one Region in order. A caller sees a few Regions, and findings that share an `UpdatedAt` sit
///   in `ProductArn` order, which groups them by Region: a range of the value alone, with the
///   Region as a term, would skip every other Region's rows first (all of them, on a store whose
///   findings were updated together). Without visible Regions (`nil`), the store's Regions
///   (`storeRegions`) pair with the values, so that the ranges still cover every finding in order.
/// - Visibility: the caller's accounts and Regions (``RegionSet``) narrow an `AwsAccountId` or
///   `Region` filter's values, and are terms where the ranges do not already keep them.
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

    /// One index range of the driving column: its value, and the Region when the column's index
    /// holds the Region second.
    struct Leg: Equatable {
        var value: String
        var region: String?
    }

    /// Most index ranges one read merges.
    static let maxLegs = 64

    let order: Order
    /// Terms every row must pass (ANDed).
    private(set) var terms: [SQLTerm] = []
    /// The driving column and its ranges, merged in order.
    private(set) var legs: (column: IndexedColumn, ranges: [Leg])?
    /// The filters matched in Swift.
    private(set) var residual: [FieldFilters] = []
    /// Whether no finding can match (no visible account or Region, or none a driving filter allows).
    private(set) var matchesNothing = false

    /// The order `query` is read in.
    static func order(of query: FindingsQuery) -> Order {
        if query.sortCriteria.count == 1, let column = IndexedColumn(field: query.sortCriteria[0].field.name) {
            return .column(column, descending: query.sortCriteria[0].descending)
        }
        return .computed
    }

    /// Whether the plan of `query` pairs index ranges with Regions, and so needs the store's
    /// Regions when the caller's are not given.
    static func pairsRegions(_ query: FindingsQuery) -> Bool {
        if case .column(.updatedKey, _) = order(of: query) { return true }
        return false
    }

    /// The plan for `query` over the findings of `visibleAccounts` in `visibleRegions` (`nil`: all)
    /// at `now`; `storeRegions`, the Regions the store holds, pair with the ranges when
    /// `visibleRegions` is nil (without them, no range of a regional index drives the read).
    init(
        _ query: FindingsQuery, visibleAccounts: AccountSet?, visibleRegions: RegionSet? = nil,
        storeRegions: [String]? = nil, now: Int64
    ) {
        order = Self.order(of: query)
        let streaming = order != .computed
        // The filter the ranges replace, and the visibility they keep exactly.
        var consumed: IndexedColumn?
        var kept: Set<IndexedColumn> = []
        if case .column(.updatedKey, _) = order {
            let filter = Self.drivingFilter(query)
            var accounts = visibleAccounts?.accounts
            var regions = visibleRegions?.accounts
            if let filter, filter.column == .awsAccountId {
                accounts = filter.values.filter { visibleAccounts?.contains($0) ?? true }
            } else if let filter, filter.column == .region {
                regions = filter.values.filter { visibleRegions?.contains($0) ?? true }
            }
            let pairing = regions ?? storeRegions
            if let filter, filter.column != .awsAccountId, filter.column != .region {
                if !filter.column.isRegional {
                    legs = (filter.column, filter.values.map { Leg(value: $0) })
                    consumed = filter.column
                } else if let pairing, filter.values.count * pairing.count <= Self.maxLegs {
                    legs = (filter.column, Self.pairs(filter.values, pairing))
                    consumed = filter.column
                    if regions != nil { kept.insert(.region) }
                } else if let regions, regions.count <= Self.maxLegs {
                    legs = (.region, regions.map { Leg(value: $0) })
                    kept.insert(.region)
                }
            } else if let accounts, let pairing, accounts.count * pairing.count <= Self.maxLegs {
                legs = (.awsAccountId, Self.pairs(accounts, pairing))
                kept.formUnion(regions != nil ? [.awsAccountId, .region] : [.awsAccountId])
                consumed = filter?.column
            } else if let regions, regions.count <= Self.maxLegs {
                legs = (.region, regions.map { Leg(value: $0) })
                kept.insert(.region)
                if filter?.column == .region { consumed = .region }
            }
        }
        for (column, visible) in [(IndexedColumn.awsAccountId, visibleAccounts), (.region, visibleRegions)] {
            guard let visible, !kept.contains(column) else { continue }
            terms.append(Self.membership(visible.accounts, on: (streaming ? "+" : "") + column.qualified))
        }
        matchesNothing =
            (legs?.ranges.isEmpty ?? false) || (visibleAccounts?.accounts.isEmpty ?? false)
            || (visibleRegions?.accounts.isEmpty ?? false)
        for filters in query.filters {
            guard let column = IndexedColumn(field: filters.field.name) else {
                residual.append(filters)
                continue
            }
            if column == consumed { continue }
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

    /// A range per (value, Region) pair, for a column whose index holds the Region second.
    private static func pairs(_ values: [String], _ regions: [String]) -> [Leg] {
        values.flatMap { value in regions.map { Leg(value: value, region: $0) } }
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
