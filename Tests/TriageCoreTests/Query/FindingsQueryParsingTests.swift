import Testing
import TriageCore

/// GetFindings request bodies as `FindingsQuery` parses them: what is accepted, and one test per
/// kind of `InvalidInputException` message.
@Suite struct FindingsQueryParsingTests {
    static func query(_ json: String) throws -> FindingsQuery {
        guard case .object(let members) = try JSONParser.parse(Array(json.utf8)) else {
            throw CoreError.invalidQuery("test body is not an object")
        }
        return try FindingsQuery(getFindingsRequest: members)
    }

    /// The message of the error parsing `json` throws, or `nil` when it parses.
    static func failure(_ json: String) -> String? {
        do {
            _ = try query(json)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func anEmptyRequestHasTheDefaults() throws {
        let query = try Self.query("{}")
        #expect(query.filters.isEmpty)
        #expect(query.maxResults == 100)
        #expect(query.nextToken == nil)
        #expect(query.sortCriteria == SortCriterion.defaultOrder)
        #expect(query.sortCriteria[0].field.name == "UpdatedAt" && query.sortCriteria[0].descending)
    }

    @Test func aFullRequestParses() throws {
        let query = try Self.query(
            """
            {"Filters": {
                "WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}, {"Value": "NOTIFIED", "Comparison": "EQUALS"}],
                "UpdatedAt": [{"Start": "2020-01-01T00:00:00Z", "End": "2020-02-01T00:00:00.5+01:00"},
                              {"DateRange": {"Value": 7, "Unit": "DAYS"}}],
                "Confidence": [{"Gte": 10, "Lt": 90.5}],
                "ResourceTags": [{"Key": "env", "Value": "prod", "Comparison": "EQUALS"}],
                "NetworkSourceIpV6": [{"Cidr": "2001:db8::/32"}],
                "Keyword": [{"Value": "x"}],
                "Sample": [{"Value": false}]},
             "SortCriteria": [{"Field": "SeverityLabel", "SortOrder": "asc"}, {"Field": "Title"}],
             "MaxResults": 1, "NextToken": "abc"}
            """)
        #expect(
            query.filters.map(\.field.name) == [
                "UpdatedAt", "Confidence", "NetworkSourceIpV6", "ResourceTags", "WorkflowStatus", "Keyword", "Sample",
            ])
        #expect(query.maxResults == 1)
        #expect(query.nextToken == "abc")
        #expect(query.sortCriteria.map(\.field.name) == ["SeverityLabel", "Title"])
        #expect(query.sortCriteria.map(\.descending) == [false, false])
        #expect(
            query.filters[0].condition
                == .dates([
                    .between(
                        start: FindingTimestamp("2020-01-01T00:00:00Z"),
                        end: FindingTimestamp("2020-01-31T23:00:00.5Z")),
                    .within(days: 7),
                ]))
    }

    @Test func nullMembersAndEmptyListsAreAbsent() throws {
        let query = try Self.query(
            #"{"Filters": {"Id": null, "Title": []}, "SortCriteria": null, "MaxResults": null, "NextToken": ""}"#)
        #expect(query.filters.isEmpty && query.maxResults == 100 && query.nextToken == nil)
    }

    @Test(arguments: [
        (#"{"MaxResults": 500}"#, "MaxResults: 500 is outside 1..100"),
        (#"{"MaxResults": 0}"#, "MaxResults: 0 is outside 1..100"),
        (#"{"MaxResults": 101}"#, "MaxResults: 101 is outside 1..100"),
        (#"{"MaxResults": 10.0}"#, "MaxResults: 10.0 is not an integer"),
        (#"{"MaxResults": "10"}"#, "MaxResults: must be an integer, not string"),
    ])
    func maxResultsOutsideItsRange(body: String, message: String) {
        #expect(Self.failure(body) == message)
    }

    @Test func maxResultsAtBothBounds() throws {
        #expect(try Self.query(#"{"MaxResults": 1}"#).maxResults == 1)
        #expect(try Self.query(#"{"MaxResults": 100}"#).maxResults == 100)
    }

    @Test func unknownMembersSuggestTheNearest() {
        #expect(
            Self.failure(#"{"Filter": {}}"#) == "Filter: is not a member of GetFindingsRequest (did you mean Filters?)")
        #expect(
            Self.failure(#"{"Bogus": 1}"#)
                == "Bogus: is not a member of GetFindingsRequest "
                + "(expected one of: Filters, SortCriteria, MaxResults, NextToken)")
        #expect(
            Self.failure(#"{"Filters": {"WorkflowStatuss": []}}"#)
                == "Filters.WorkflowStatuss: unknown filter field (did you mean WorkflowStatus?)")
        #expect(
            Self.failure(#"{"Filters": {"Id": [{"Valeu": "x", "Comparison": "EQUALS"}]}}"#)
                == "Filters.Id[0].Valeu: is not a member of Filters.Id[0] (did you mean Value?)")
        #expect(
            Self.failure(#"{"SortCriteria": [{"Field": "Updatedat"}]}"#)
                == "SortCriteria[0].Field: Updatedat is not a finding filter field (did you mean UpdatedAt?)")
        #expect(Self.failure(#"{"Filters": {"Id": [], "Id": []}}"#) == "Filters.Id: is given twice")
    }

    @Test func wrongTypesNameTheMember() {
        #expect(Self.failure(#"{"Filters": []}"#) == "Filters: must be an object, not array")
        #expect(
            Self.failure(#"{"Filters": {"Title": {"Value": "x"}}}"#)
                == "Filters.Title: must be an array of filters, not object")
        #expect(Self.failure(#"{"Filters": {"Title": ["x"]}}"#) == "Filters.Title[0]: must be an object, not string")
        #expect(
            Self.failure(#"{"Filters": {"Title": [{"Value": 5, "Comparison": "EQUALS"}]}}"#)
                == "Filters.Title[0].Value: must be a string, not number")
        #expect(
            Self.failure(#"{"Filters": {"Title": [{"Comparison": "EQUALS"}]}}"#)
                == "Filters.Title[0].Value: is required")
        #expect(
            Self.failure(#"{"Filters": {"Title": [{"Value": "  ", "Comparison": "EQUALS"}]}}"#)
                == "Filters.Title[0].Value: must contain a non-whitespace character")
        #expect(
            Self.failure(#"{"Filters": {"Sample": [{"Value": "true"}]}}"#)
                == "Filters.Sample[0].Value: must be a boolean, not string")
        #expect(
            Self.failure(#"{"Filters": {"Confidence": [{"Gte": "1"}]}}"#)
                == "Filters.Confidence[0].Gte: must be a number, not string")
        #expect(
            Self.failure(#"{"Filters": {"Confidence": [{}]}}"#)
                == "Filters.Confidence[0]: needs at least one of Gte, Lte, Eq, Gt, Lt")
        #expect(Self.failure(#"{"NextToken": 5}"#) == "NextToken: must be a string, not number")
        #expect(Self.failure(#"{"SortCriteria": {}}"#) == "SortCriteria: must be an array, not object")
    }

    @Test func comparisonsOutsideTheEnum() {
        #expect(
            Self.failure(
                #"{"Filters": {"WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}, {"Value": "x", "Comparison": "BOGUS"}]}}"#
            )
                == "Filters.WorkflowStatus[1].Comparison: BOGUS is not one of EQUALS, PREFIX, NOT_EQUALS, "
                + "PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS")
        #expect(
            Self.failure(#"{"Filters": {"Title": [{"Value": "x", "Comparison": "CONTAINS_WORD"}]}}"#)?
                .hasPrefix("Filters.Title[0].Comparison: CONTAINS_WORD works only with GetFindingsV2") == true)
        #expect(
            Self.failure(#"{"Filters": {"ProductFields": [{"Key": "k", "Value": "v", "Comparison": "PREFIX"}]}}"#)
                == "Filters.ProductFields[0].Comparison: PREFIX is not one of EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS"
        )
        #expect(
            Self.failure(#"{"SortCriteria": [{"Field": "Title", "SortOrder": "ASC"}]}"#)
                == "SortCriteria[0].SortOrder: ASC is not one of asc, desc")
    }

    static func stringFilters(_ comparisons: [String]) -> String {
        let list = comparisons.map { #"{"Value": "v", "Comparison": "\#($0)"}"# }.joined(separator: ", ")
        return #"{"Filters": {"Title": [\#(list)]}}"#
    }

    @Test(arguments: [
        (
            ["EQUALS", "NOT_EQUALS"],
            "Filters.Title: EQUALS cannot be combined with NOT_EQUALS on one field ([0] and [1])"
        ),
        (
            ["PREFIX_NOT_EQUALS", "PREFIX", "EQUALS"],
            "Filters.Title: EQUALS cannot be combined with PREFIX_NOT_EQUALS on one field ([2] and [0])"
        ),
        (
            ["CONTAINS", "PREFIX"],
            "Filters.Title: CONTAINS combines only with CONTAINS ([0] is CONTAINS, [1] is PREFIX)"
        ),
        (
            ["NOT_EQUALS", "NOT_CONTAINS"],
            "Filters.Title: NOT_CONTAINS combines only with NOT_CONTAINS ([1] is NOT_CONTAINS, [0] is NOT_EQUALS)"
        ),
        (
            ["CONTAINS", "NOT_CONTAINS"],
            "Filters.Title: CONTAINS combines only with CONTAINS ([0] is CONTAINS, [1] is NOT_CONTAINS)"
        ),
    ])
    func forbiddenCombinations(comparisons: [String], message: String) {
        #expect(Self.failure(Self.stringFilters(comparisons)) == message)
    }

    @Test(arguments: [
        ["EQUALS", "PREFIX"], ["PREFIX", "NOT_EQUALS", "PREFIX_NOT_EQUALS"], ["CONTAINS", "CONTAINS"],
        ["NOT_CONTAINS", "NOT_CONTAINS"], ["NOT_EQUALS", "PREFIX_NOT_EQUALS"], ["EQUALS", "EQUALS"],
    ])
    func allowedCombinations(comparisons: [String]) {
        #expect(Self.failure(Self.stringFilters(comparisons)) == nil)
    }

    @Test func mapFiltersFollowTheirOwnRules() {
        let filter = { (comparison: String) in #"{"Key": "k", "Value": "v", "Comparison": "\#(comparison)"}"# }
        #expect(
            Self.failure(#"{"Filters": {"ResourceTags": [\#(filter("EQUALS")), \#(filter("NOT_EQUALS"))]}}"#)
                == "Filters.ResourceTags: EQUALS cannot be combined with NOT_EQUALS on one field ([0] and [1])")
        #expect(
            Self.failure(#"{"Filters": {"ResourceTags": [\#(filter("CONTAINS")), \#(filter("EQUALS"))]}}"#)
                == "Filters.ResourceTags: CONTAINS combines only with CONTAINS ([0] is CONTAINS, [1] is EQUALS)")
        #expect(
            Self.failure(#"{"Filters": {"ResourceTags": [{"Value": "v", "Comparison": "EQUALS"}]}}"#)
                == "Filters.ResourceTags[0].Key: is required")
    }

    @Test func badDates() {
        #expect(
            Self.failure(#"{"Filters": {"CreatedAt": [{"Start": "2020-13-01T00:00:00Z"}]}}"#)
                == "Filters.CreatedAt[0].Start: 2020-13-01T00:00:00Z is not an RFC 3339 date-time")
        #expect(
            Self.failure(#"{"Filters": {"CreatedAt": [{"End": "yesterday"}]}}"#)
                == "Filters.CreatedAt[0].End: yesterday is not an RFC 3339 date-time")
        #expect(
            Self.failure(
                #"{"Filters": {"CreatedAt": [{"Start": "2020-02-01T00:00:00Z", "End": "2020-01-01T00:00:00Z"}]}}"#)
                == "Filters.CreatedAt[0]: Start is after End")
        #expect(
            Self.failure(#"{"Filters": {"CreatedAt": [{}]}}"#) == "Filters.CreatedAt[0]: needs Start, End or DateRange")
        #expect(
            Self.failure(
                #"{"Filters": {"CreatedAt": [{"Start": "2020-01-01T00:00:00Z", "DateRange": {"Value": 1, "Unit": "DAYS"}}]}}"#
            ) == "Filters.CreatedAt[0]: DateRange cannot be combined with Start or End")
    }

    @Test func dateRangeUnitMustBeDays() {
        #expect(
            Self.failure(#"{"Filters": {"UpdatedAt": [{"DateRange": {"Value": 1, "Unit": "HOURS"}}]}}"#)
                == "Filters.UpdatedAt[0].DateRange.Unit: HOURS is not one of DAYS")
        #expect(
            Self.failure(#"{"Filters": {"UpdatedAt": [{"DateRange": {"Value": 1}}]}}"#)
                == "Filters.UpdatedAt[0].DateRange.Unit: is required")
        #expect(
            Self.failure(#"{"Filters": {"UpdatedAt": [{"DateRange": {"Value": -1, "Unit": "DAYS"}}]}}"#)
                == "Filters.UpdatedAt[0].DateRange.Value: -1 is outside 0..2147483647")
        #expect(
            Self.failure(
                #"{"Filters": {"UpdatedAt": [{"DateRange": {"Value": 1, "Unit": "DAYS", "Comparison": "NEWER"}}]}}"#)
                == "Filters.UpdatedAt[0].DateRange.Comparison: NEWER is not one of WITHIN, OLDER_THAN")
    }

    @Test(arguments: ["10.0.0.0/33", "10.0.0", "256.1.1.1/8", "01.2.3.4", "::1/129", "fe80::1%eth0", "1:2:3", "x"])
    func badCidrs(cidr: String) {
        #expect(
            Self.failure(#"{"Filters": {"NetworkSourceIpV4": [{"Cidr": "\#(cidr)"}]}}"#)
                == "Filters.NetworkSourceIpV4[0].Cidr: \(cidr) is not an IPv4 or IPv6 address or CIDR block")
    }

    @Test func sortFieldsMustBeScalarFilterFields() {
        #expect(
            Self.failure(#"{"SortCriteria": [{"Field": "ResourceId"}]}"#)
                == "SortCriteria[0].Field: ResourceId cannot be sorted on: a finding can have several values there "
                + "(Resources[].Id); sort on a field with one value, such as UpdatedAt")
        #expect(Self.failure(#"{"SortCriteria": [{"Field": "ResourceTags", "SortOrder": "asc"}]}"#) != nil)
        #expect(
            Self.failure(#"{"SortCriteria": [{"SortOrder": "asc"}]}"#)
                == "SortCriteria[0].Field: is required")
        #expect(Self.failure(#"{"SortCriteria": [{"Field": "SeverityNormalized", "SortOrder": "desc"}]}"#) == nil)
    }

    @Test func limitsOnFieldsAndFilters() {
        let filter = #"{"Value": "v", "Comparison": "EQUALS"}"#
        let twenty = Array(repeating: filter, count: 20).joined(separator: ",")
        #expect(Self.failure(#"{"Filters": {"Title": [\#(twenty)]}}"#) == nil)
        #expect(
            Self.failure(#"{"Filters": {"Title": [\#(twenty), \#(filter)]}}"#)
                == "Filters.Title: 21 filters, at most 20 are allowed")
        let names = [
            "Id", "Title", "Description", "GeneratorId", "Region", "Type", "ProductName", "CompanyName",
            "NoteText", "NoteUpdatedBy", "SourceUrl",
        ]
        let ten = names.prefix(10).map { #""\#($0)": [\#(filter)]"# }.joined(separator: ",")
        #expect(Self.failure(#"{"Filters": {\#(ten)}}"#) == nil)
        let eleven = names.map { #""\#($0)": [\#(filter)]"# }.joined(separator: ",")
        #expect(
            Self.failure(#"{"Filters": {\#(eleven)}}"#) == "Filters: 11 fields have filters, at most 10 are allowed")
    }

    @Test func fingerprintsBindAQueryNotItsSpelling() throws {
        let a = try Self.query(
            #"{"Filters": {"Title": [{"Value": "x", "Comparison": "EQUALS"}], "Confidence": [{"Gte": 1}]}, "MaxResults": 5}"#
        )
        let b = try Self.query(
            """
            {"MaxResults": 50, "NextToken": "t",
             "Filters": {"Confidence": [{"Gte": 1.0}], "Title": [{"Comparison": "EQUALS", "Value": "x"}], "Id": []}}
            """)
        #expect(a.fingerprint == b.fingerprint)
        #expect(
            a.fingerprint == FindingsQuery(filters: a.filters, sortCriteria: SortCriterion.defaultOrder).fingerprint)
        let explicitDefault = try Self.query(
            #"{"Filters": {"Title": [{"Value": "x", "Comparison": "EQUALS"}], "Confidence": [{"Gte": 1}]}, "SortCriteria": [{"Field": "UpdatedAt", "SortOrder": "desc"}]}"#
        )
        #expect(a.fingerprint == explicitDefault.fingerprint)
        let others = [
            #"{"Filters": {"Title": [{"Value": "y", "Comparison": "EQUALS"}], "Confidence": [{"Gte": 1}]}}"#,
            #"{"Filters": {"Title": [{"Value": "x", "Comparison": "PREFIX"}], "Confidence": [{"Gte": 1}]}}"#,
            #"{"Filters": {"Title": [{"Value": "x", "Comparison": "EQUALS"}], "Confidence": [{"Gt": 1}]}}"#,
            #"{"Filters": {"Title": [{"Value": "x", "Comparison": "EQUALS"}]}}"#,
            #"{"Filters": {"Title": [{"Value": "x", "Comparison": "EQUALS"}], "Confidence": [{"Gte": 1}]}, "SortCriteria": [{"Field": "UpdatedAt"}]}"#,
        ]
        for other in others {
            #expect(try Self.query(other).fingerprint != a.fingerprint, "\(other)")
        }
    }
}
