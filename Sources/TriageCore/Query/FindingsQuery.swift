/// A GetFindings request, checked (`docs/serve.md`, GetFindings): its filters, its order,
/// its page size and its `NextToken`.
///
/// Built from the request body's members by ``init(getFindingsRequest:)``, which refuses
/// anything the contract does not allow with a ``CoreError`` naming the member. Pure: the
/// store runs the query (`FindingsStore.findings(_:visibleAccounts:visibleRegions:after:now:)`), and
/// ``matches(_:now:)`` says what a match is.
package struct FindingsQuery: Sendable, Hashable {
    /// The filtered fields, in the model's member order, each with its filters (never empty).
    /// Different fields are ANDed.
    package var filters: [FieldFilters]
    /// The order: the request's `SortCriteria`, or ``SortCriterion/defaultOrder``
    /// (`UpdatedAt` descending) when it has none; ties always fall to `ProductArn`, then `Id`,
    /// ascending.
    package var sortCriteria: [SortCriterion]
    /// `MaxResults`: 1...100, 100 when the request has none.
    package var maxResults: Int
    /// `NextToken` exactly as sent; `nil` when the request has none (*Choice*: or an empty one).
    package var nextToken: String?

    /// The largest `MaxResults`, also its default.
    package static let maxPageSize = 100
    /// Most fields one request may filter on (the model's documentation of `Filters`).
    package static let maxFilteredFields = 10
    /// Most filters one field may have (ibid.).
    package static let maxFiltersPerField = 20

    /// A query from parts already checked (the store's tests and callers that build queries).
    package init(
        filters: [FieldFilters] = [], sortCriteria: [SortCriterion] = [], maxResults: Int = maxPageSize,
        nextToken: String? = nil
    ) {
        self.filters = filters
        self.sortCriteria = sortCriteria.isEmpty ? SortCriterion.defaultOrder : sortCriteria
        self.maxResults = maxResults
        self.nextToken = nextToken
    }

    /// Parses and checks the members of a GetFindings request body (`Filters`, `SortCriteria`,
    /// `MaxResults`, `NextToken`; all optional).
    ///
    /// - Throws: ``CoreError`` for an unknown or duplicate member, a wrong type, a value
    ///   outside its range or enum, a forbidden combination of comparisons on one field, a bad
    ///   date or CIDR, a `DateRange` unit other than `DAYS`, a sort on a field that is not
    ///   scalar, more than ``maxFilteredFields`` fields or ``maxFiltersPerField`` filters.
    package init(getFindingsRequest members: [JSONMember]) throws(CoreError) {
        let request = try RequestObject(
            members: members, path: "", allowed: ["Filters", "SortCriteria", "MaxResults", "NextToken"])
        filters = try request["Filters"].map { value throws(CoreError) in try Self.decodeFilters(value) } ?? []
        let sort = try Self.decodeSortCriteria(request.list("SortCriteria") ?? [])
        sortCriteria = sort.isEmpty ? SortCriterion.defaultOrder : sort
        let size = try request.integer("MaxResults", required: false) ?? Self.maxPageSize
        guard (1...Self.maxPageSize).contains(size) else {
            throw .invalidQuery("MaxResults: \(size) is outside 1..\(Self.maxPageSize)")
        }
        maxResults = size
        if let token = request["NextToken"] {
            guard case .string(let text) = token else {
                throw .invalidQuery(JSONProblem.at("NextToken", JSONProblem.mustBe("a string", not: token)))
            }
            nextToken = text.isEmpty ? nil : text
        } else {
            nextToken = nil
        }
    }

    /// Whether `finding` passes every filter at `now` (epoch milliseconds, for `DateRange`).
    /// `finding` is a composed finding (as `triage export` writes it), or an object holding at
    /// least its members that ``topLevelMembers`` names.
    package func matches(_ finding: JSONValue, now: Int64) -> Bool {
        filters.allSatisfy { $0.matches(finding, now: now) }
    }

    /// The top-level members of a finding that the filters and the order read (`ProductArn` and
    /// `Id` always); `nil` when a `Keyword` filter reads them all.
    package var topLevelMembers: Set<String>? {
        var names: Set<String> = ["ProductArn", "Id"]
        for field in filters.map(\.field) + sortCriteria.map(\.field) {
            guard let members = field.topLevelMembers else { return nil }
            names.formUnion(members)
        }
        return names
    }
}
