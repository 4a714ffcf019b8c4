extension FindingsQuery {
    /// Canonical bytes of the query's filters and order, for binding a `NextToken` to the query
    /// that issued it: the same for the same `Filters` and `SortCriteria` however the JSON was
    /// written (member order, whitespace, number spelling, date offsets, `null` members, an
    /// explicit default order), different when a filter or the order differs. `MaxResults` and
    /// `NextToken` are not part of it (a client may change the page size between pages).
    ///
    /// Compact JSON: `{"v":1,"Filters":[[field,[filter...]]...],"Sort":[[field,"asc"|"desc"]...]}`,
    /// filters in the request's order within a field, fields in the model's order.
    package var fingerprint: [UInt8] {
        var fields: [JSONValue] = []
        for filters in self.filters {
            fields.append(.array([.string(filters.field.name), .array(Self.canonical(filters.condition))]))
        }
        let sort = sortCriteria.map { criterion -> JSONValue in
            .array([.string(criterion.field.name), .string(criterion.descending ? "desc" : "asc")])
        }
        return CompactJSON.bytes(
            .object([
                JSONMember(key: "v", value: Self.number(1)), JSONMember(key: "Filters", value: .array(fields)),
                JSONMember(key: "Sort", value: .array(sort)),
            ]))
    }

    private static func canonical(_ condition: FieldFilters.Condition) -> [JSONValue] {
        switch condition {
        case .strings(let filters):
            return filters.map { .array([.string($0.comparison.rawValue), .string($0.value)]) }
        case .maps(let filters):
            return filters.map { .array([.string($0.comparison.rawValue), .string($0.key), .string($0.value)]) }
        case .numbers(let filters):
            return filters.map { filter in
                .array([filter.gte, filter.lte, filter.eq, filter.gt, filter.lt].map { $0.map(double) ?? .null })
            }
        case .dates(let filters):
            return filters.map { filter in
                switch filter {
                case .between(let start, let end):
                    .array([.string("between"), start.map(instant) ?? .null, end.map(instant) ?? .null])
                case .within(let days): .array([.string("within"), number(days)])
                case .olderThan(let days): .array([.string("olderThan"), number(days)])
                }
            }
        case .networks(let networks):
            return networks.map { network in
                .array([.array(network.address.map { number(Int($0)) }), number(network.prefixLength)])
            }
        case .keywords(let keywords):
            return keywords.map { .string($0) }
        case .booleans(let flags):
            return flags.map { .bool($0) }
        }
    }

    private static func number(_ value: Int) -> JSONValue { .number(JSONNumber(literal: String(value))!) }

    /// A double by its bit pattern (`-0` and `0` differ, as they may in a bound).
    private static func double(_ value: Double) -> JSONValue { .string(String(value.bitPattern, radix: 16)) }

    private static func instant(_ value: FindingTimestamp) -> JSONValue {
        .array([.string(String(value.seconds)), number(Int(value.nanoseconds))])
    }
}
