extension FindingsQuery {
    /// `Filters`: an object of filter lists, by field name.
    static func decodeFilters(_ value: JSONValue) throws(CoreError) -> [FieldFilters] {
        guard case .object(let members) = value else {
            throw .invalidQuery(JSONProblem.at("Filters", JSONProblem.mustBe("an object", not: value)))
        }
        var decoded: [String: FieldFilters] = [:]
        var seen: Set<String> = []
        for member in members {
            let path = "Filters.\(member.key)"
            guard let field = FindingFilterField.named(member.key) else {
                let hint = NameSuggestion.nearest(to: member.key, among: FindingFilterField.names)
                throw .invalidQuery("\(path): unknown filter field" + (hint.map { " (did you mean \($0)?)" } ?? ""))
            }
            guard seen.insert(field.name).inserted else {
                throw .invalidQuery(JSONProblem.at(path, JSONProblem.givenTwice))
            }
            if member.value == .null { continue }
            guard case .array(let elements) = member.value else {
                throw .invalidQuery(JSONProblem.at(path, JSONProblem.mustBe("an array of filters", not: member.value)))
            }
            // *Choice*: an empty list filters nothing and does not count towards the limit.
            if elements.isEmpty { continue }
            guard elements.count <= maxFiltersPerField else {
                throw .invalidQuery("\(path): \(elements.count) filters, at most \(maxFiltersPerField) are allowed")
            }
            decoded[field.name] = FieldFilters(field: field, condition: try decode(elements, of: field, at: path))
        }
        guard decoded.count <= maxFilteredFields else {
            throw .invalidQuery(
                "Filters: \(decoded.count) fields have filters, at most \(maxFilteredFields) are allowed")
        }
        return FindingFilterField.all.compactMap { decoded[$0.name] }
    }

    private static func decode(_ elements: [JSONValue], of field: FindingFilterField, at path: String)
        throws(CoreError) -> FieldFilters.Condition
    {
        var objects: [RequestObject] = []
        for (index, element) in elements.enumerated() {
            objects.append(
                try RequestObject(element, path: "\(path)[\(index)]", allowed: allowedMembers(of: field.kind)))
        }
        switch field.kind {
        case .string:
            let filters = try objects.map { object throws(CoreError) in try stringFilter(object) }
            try checkCombinations(filters.map(\.comparison), at: path)
            return .strings(filters)
        case .map:
            let filters = try objects.map { object throws(CoreError) in
                MapFilter(
                    key: try object.text("Key", required: true)!, value: try object.text("Value", required: true)!,
                    comparison: try object.choice("Comparison", of: MapFilter.comparisons, required: true)!)
            }
            try checkCombinations(filters.map(\.comparison), at: path)
            return .maps(filters)
        case .date:
            return .dates(try objects.map { object throws(CoreError) in try dateFilter(object) })
        case .number:
            return .numbers(
                try objects.map { object throws(CoreError) in
                    let filter = NumberFilter(
                        gte: try object.number("Gte"), lte: try object.number("Lte"), eq: try object.number("Eq"),
                        gt: try object.number("Gt"), lt: try object.number("Lt"))
                    guard object.hasAny(["Gte", "Lte", "Eq", "Gt", "Lt"]) else {
                        throw .invalidQuery("\(object.path): needs at least one of Gte, Lte, Eq, Gt, Lt")
                    }
                    return filter
                })
        case .ip:
            return .networks(
                try objects.map { object throws(CoreError) in
                    let text = try object.text("Cidr", required: true)!
                    guard let network = IPNetwork(text) else {
                        throw .invalidQuery(
                            "\(object.at("Cidr")): \(RequestObject.shown(text)) is not an IPv4 or IPv6 address or CIDR block"
                        )
                    }
                    return network
                })
        case .keyword:
            return .keywords(try objects.map { object throws(CoreError) in try object.text("Value", required: true)! })
        case .boolean:
            return .booleans(
                try objects.map { object throws(CoreError) in try object.boolean("Value", required: true)! })
        }
    }

    private static func allowedMembers(of kind: FindingFilterField.Kind) -> [String] {
        switch kind {
        case .string: ["Value", "Comparison"]
        case .map: ["Key", "Value", "Comparison"]
        case .date: ["Start", "End", "DateRange"]
        case .number: ["Gte", "Lte", "Eq", "Gt", "Lt"]
        case .ip: ["Cidr"]
        case .keyword, .boolean: ["Value"]
        }
    }

    private static func stringFilter(_ object: RequestObject) throws(CoreError) -> StringFilter {
        let value = try object.text("Value", required: true)!
        if case .string("CONTAINS_WORD")? = object["Comparison"] {
            throw .invalidQuery(
                "\(object.at("Comparison")): CONTAINS_WORD works only with GetFindingsV2; use one of "
                    + StringFilter.Comparison.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let comparison = try object.choice("Comparison", of: StringFilter.Comparison.allCases, required: true)!
        return StringFilter(value: value, comparison: comparison)
    }

    /// The model's rules for one field: `EQUALS` never with `NOT_EQUALS` or `PREFIX_NOT_EQUALS`;
    /// `CONTAINS` only with `CONTAINS`; `NOT_CONTAINS` only with `NOT_CONTAINS`.
    private static func checkCombinations(_ comparisons: [StringFilter.Comparison], at path: String)
        throws(CoreError)
    {
        func first(_ wanted: (StringFilter.Comparison) -> Bool) -> Int? { comparisons.firstIndex(where: wanted) }
        for only in [StringFilter.Comparison.contains, .notContains] {
            if let index = first({ $0 == only }), let other = first({ $0 != only }) {
                throw .invalidQuery(
                    "\(path): \(only.rawValue) combines only with \(only.rawValue) ([\(index)] is \(only.rawValue), "
                        + "[\(other)] is \(comparisons[other].rawValue))")
            }
        }
        if let index = first({ $0 == .equals }), let other = first({ $0 == .notEquals || $0 == .prefixNotEquals }) {
            throw .invalidQuery(
                "\(path): EQUALS cannot be combined with \(comparisons[other].rawValue) on one field "
                    + "([\(index)] and [\(other)])")
        }
    }

    private static func dateFilter(_ object: RequestObject) throws(CoreError) -> DateFilter {
        func instant(_ name: String) throws(CoreError) -> FindingTimestamp? {
            guard let text = try object.text(name, required: false) else { return nil }
            guard let instant = FindingTimestamp(text) else {
                throw .invalidQuery("\(object.at(name)): \(RequestObject.shown(text)) is not an RFC 3339 date-time")
            }
            return instant
        }
        let start = try instant("Start")
        let end = try instant("End")
        if let value = object["DateRange"] {
            guard start == nil, end == nil else {
                throw .invalidQuery("\(object.path): DateRange cannot be combined with Start or End")
            }
            let range = try RequestObject(
                value, path: object.at("DateRange"), allowed: ["Value", "Unit", "Comparison"])
            let days = try range.integer("Value", required: true)!
            guard (0...Int(Int32.max)).contains(days) else {
                throw .invalidQuery("\(range.at("Value")): \(days) is outside 0..\(Int32.max)")
            }
            _ = try range.choice("Unit", of: [DateRangeUnit.days], required: true)
            let comparison = try range.choice("Comparison", of: DateRangeComparison.allCases, required: false)
            return comparison == .olderThan ? .olderThan(days: days) : .within(days: days)
        }
        guard start != nil || end != nil else { throw .invalidQuery("\(object.path): needs Start, End or DateRange") }
        if let start, let end, end < start { throw .invalidQuery("\(object.path): Start is after End") }
        return .between(start: start, end: end)
    }

    private enum DateRangeUnit: String { case days = "DAYS" }
    private enum DateRangeComparison: String, CaseIterable { case within = "WITHIN", olderThan = "OLDER_THAN" }
    private enum SortOrder: String, CaseIterable { case asc, desc }

    /// `SortCriteria`: `{Field, SortOrder}` objects.
    static func decodeSortCriteria(_ elements: [JSONValue]) throws(CoreError) -> [SortCriterion] {
        var criteria: [SortCriterion] = []
        for (index, element) in elements.enumerated() {
            let object = try RequestObject(element, path: "SortCriteria[\(index)]", allowed: ["Field", "SortOrder"])
            let name = try object.text("Field", required: true)!
            guard let field = FindingFilterField.named(name) else {
                let hint = NameSuggestion.nearest(to: name, among: FindingFilterField.names)
                throw .invalidQuery(
                    "\(object.at("Field")): \(RequestObject.shown(name)) is not a finding filter field"
                        + (hint.map { " (did you mean \($0)?)" } ?? ""))
            }
            guard field.isScalar else {
                throw .invalidQuery(
                    "\(object.at("Field")): \(name) cannot be sorted on: a finding can have several values there "
                        + "(\(field.path)); sort on a field with one value, such as UpdatedAt")
            }
            let order = try object.choice("SortOrder", of: SortOrder.allCases, required: false) ?? .asc
            criteria.append(SortCriterion(field: field, descending: order == .desc))
        }
        return criteria
    }
}
