/// Where a finding falls in a query's order: one ``Value`` per sort criterion, then `ProductArn`
/// and `Id` (``SortCriterion`` says how values order).
package struct FindingSortKey: Sendable, Hashable {
    /// A finding's value for one criterion.
    package enum Value: Sendable, Hashable {
        /// No value (sorts last in either direction).
        case missing
        /// A string (string and IP fields).
        case text(String)
        /// A number.
        case number(Double)
        /// A date.
        case instant(FindingTimestamp)
        /// A boolean.
        case flag(Bool)
    }

    /// One per criterion, in order.
    package var values: [Value]
    /// `ProductArn`.
    package var productArn: String
    /// `Id`.
    package var id: String

    /// A key.
    package init(values: [Value], productArn: String, id: String) {
        self.values = values
        self.productArn = productArn
        self.id = id
    }

    /// The value of `field` in `finding` (composed, or the members it reads). A boolean field
    /// without a value counts as `false`, as in filters.
    package static func value(of field: FindingFilterField, in finding: JSONValue) -> Value {
        switch field.values(in: finding).first {
        case .string(let text)?:
            if field.kind == .date { return FindingTimestamp(text).map(Value.instant) ?? .missing }
            return .text(text)
        case .number(let number)?: return .number(number.doubleValue)
        case .bool(let flag)?: return .flag(flag)
        default: return field.kind == .boolean ? .flag(false) : .missing
        }
    }

    /// Negative, 0 or positive as `left` sorts before, with or after `right` under `criteria`
    /// (one per value of the keys).
    package static func compare(_ left: Self, _ right: Self, criteria: [SortCriterion]) -> Int {
        for (index, criterion) in criteria.enumerated() {
            let order = compare(left.values[index], right.values[index], descending: criterion.descending)
            if order != 0 { return order }
        }
        let arns = ByteOrder.compare(left.productArn, right.productArn)
        return arns != 0 ? arns : ByteOrder.compare(left.id, right.id)
    }

    private static func compare(_ left: Value, _ right: Value, descending: Bool) -> Int {
        let order: Int
        switch (left, right) {
        case (.missing, .missing): return 0
        case (.missing, _): return 1
        case (_, .missing): return -1
        case (.text(let a), .text(let b)): order = ByteOrder.compare(a, b)
        case (.number(let a), .number(let b)): order = a < b ? -1 : (b < a ? 1 : 0)
        case (.instant(let a), .instant(let b)): order = a < b ? -1 : (b < a ? 1 : 0)
        case (.flag(let a), .flag(let b)): order = a == b ? 0 : (a ? 1 : -1)
        default: order = 0  // one field has one kind: never two kinds
        }
        return descending ? -order : order
    }
}

extension FindingsQuery {
    /// Where `finding` (composed, or the members ``topLevelMembers`` names) falls in the order.
    package func sortKey(of finding: JSONValue) -> FindingSortKey {
        func text(_ name: String) -> String {
            if case .string(let value)? = finding[key: name] { return value }
            return ""
        }
        return FindingSortKey(
            values: sortCriteria.map { FindingSortKey.value(of: $0.field, in: finding) },
            productArn: text("ProductArn"), id: text("Id"))
    }
}
