/// The filters of one `AwsSecurityFindingFilters` member, and how a finding is tested against
/// them (`docs/serve.md`, GetFindings).
///
/// - String and map filters: the positive ones (`EQUALS`, `PREFIX`, `CONTAINS`) are ORed, the
///   negative ones (`NOT_EQUALS`, `PREFIX_NOT_EQUALS`, `NOT_CONTAINS`) ANDed, and a finding must
///   pass both parts: the positive part selects (when there is one), the negative part then
///   excludes (`PREFIX` first, then the exclusions). On a list-valued path a positive filter holds
///   when any value satisfies it, and a negative one when no value satisfies its positive form.
///   A finding without the field fails every positive filter and passes every negative one.
/// - Number, date, IP, keyword and boolean filters are positive: ORed, and a finding without the
///   field passes none of them.
/// - *Choice*: a finding without `Sample` is tested as `Sample: false` (ASFF: absent means not a
///   sample finding).
package struct FieldFilters: Sendable, Hashable {
    /// The filters of one field, by kind.
    package enum Condition: Sendable, Hashable {
        /// `StringFilter`s.
        case strings([StringFilter])
        /// `DateFilter`s.
        case dates([DateFilter])
        /// `NumberFilter`s.
        case numbers([NumberFilter])
        /// `MapFilter`s.
        case maps([MapFilter])
        /// `IpFilter` `Cidr`s: a value matches when it (an address or a CIDR) lies inside one.
        case networks([IPNetwork])
        /// `KeywordFilter` values: a finding matches when one of its string values, at any
        /// depth, equals one byte for byte (*Choice*; the deprecated filter is undocumented).
        case keywords([String])
        /// `BooleanFilter` values.
        case booleans([Bool])
    }

    /// The field filtered.
    package let field: FindingFilterField
    /// Its filters (never empty).
    package let condition: Condition

    /// The filters of `field`.
    package init(field: FindingFilterField, condition: Condition) {
        self.field = field
        self.condition = condition
    }

    /// Whether `finding` (composed, or the members of it the field reads) passes these filters
    /// at `now` (epoch milliseconds, for `DateRange`).
    package func matches(_ finding: JSONValue, now: Int64) -> Bool {
        let values = field.values(in: finding)
        switch condition {
        case .strings(let filters):
            let texts = values.compactMap { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            return Self.combine(filters, isNegative: { $0.comparison.isNegative }) { filter in
                texts.contains { filter.holdsPositively(for: $0) }
            }
        case .maps(let filters):
            return Self.combine(filters, isNegative: { $0.comparison.isNegative }) { filter in
                values.contains { filter.holdsPositively(for: $0) }
            }
        case .numbers(let filters):
            let numbers = values.compactMap { value -> Double? in
                if case .number(let number) = value { return number.doubleValue }
                return nil
            }
            return filters.contains { filter in numbers.contains { filter.holds(for: $0) } }
        case .dates(let filters):
            let instants = values.compactMap { value -> FindingTimestamp? in
                if case .string(let text) = value { return FindingTimestamp(text) }
                return nil
            }
            return filters.contains { filter in instants.contains { filter.holds(for: $0, now: now) } }
        case .networks(let networks):
            let addresses = values.compactMap { value -> IPNetwork? in
                if case .string(let text) = value { return IPNetwork(text) }
                return nil
            }
            return networks.contains { network in addresses.contains { network.contains($0) } }
        case .keywords(let keywords):
            return keywords.contains { keyword in
                values.contains { value in
                    if case .string(let text) = value { return StringFilter.Comparison.equals.holds(text, keyword) }
                    return false
                }
            }
        case .booleans(let flags):
            var present = values.compactMap { value -> Bool? in
                if case .bool(let flag) = value { return flag }
                return nil
            }
            if present.isEmpty { present = [false] }
            return flags.contains { present.contains($0) }
        }
    }

    /// Positive filters ORed (when there are any), then negative ones ANDed, each negative one
    /// holding when its positive form holds for no value.
    private static func combine<Filter>(
        _ filters: [Filter], isNegative: (Filter) -> Bool, holdsPositively: (Filter) -> Bool
    ) -> Bool {
        var sawPositive = false
        var anyPositive = false
        for filter in filters where !isNegative(filter) {
            sawPositive = true
            if holdsPositively(filter) {
                anyPositive = true
                break
            }
        }
        if sawPositive && !anyPositive { return false }
        return filters.allSatisfy { filter in !isNegative(filter) || !holdsPositively(filter) }
    }
}
