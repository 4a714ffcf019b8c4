import Testing
import TriageCore

/// How a finding is tested against GetFindings filters (`docs/serve.md`), kind by kind.
@Suite struct FindingsQueryMatchingTests {
    /// 2026-01-10T00:00:00Z in epoch milliseconds.
    static let now: Int64 = 1_768_003_200_000

    static func finding(_ json: String) -> JSONValue { try! JSONParser.parse(Array(json.utf8)) }

    /// Whether `finding` passes the `Filters` object `filters` at `now`.
    static func matches(_ filters: String, _ finding: String, now: Int64 = now) throws -> Bool {
        guard case .object(let members) = try JSONParser.parse(Array(#"{"Filters": \#(filters)}"#.utf8)) else {
            return false
        }
        return try FindingsQuery(getFindingsRequest: members).matches(Self.finding(finding), now: now)
    }

    static func string(_ field: String, _ pairs: [(String, String)]) -> String {
        let list = pairs.map { #"{"Value": "\#($0.1)", "Comparison": "\#($0.0)"}"# }.joined(separator: ",")
        return #"{"\#(field)": [\#(list)]}"#
    }

    @Test func stringComparisonsAreCaseSensitiveAndByteExact() throws {
        let finding = #"{"Title": "Security Hub CloudFront caf\u00e9"}"#
        #expect(try Self.matches(Self.string("Title", [("EQUALS", "Security Hub CloudFront café")]), finding))
        #expect(try !Self.matches(Self.string("Title", [("EQUALS", "security hub cloudfront café")]), finding))
        // The decomposed spelling of é is other bytes.
        #expect(try !Self.matches(Self.string("Title", [("EQUALS", "Security Hub CloudFront cafe\u{301}")]), finding))
        #expect(try Self.matches(Self.string("Title", [("PREFIX", "Security")]), finding))
        #expect(try !Self.matches(Self.string("Title", [("PREFIX", "Hub")]), finding))
        #expect(try Self.matches(Self.string("Title", [("CONTAINS", "CloudFront")]), finding))
        #expect(try !Self.matches(Self.string("Title", [("CONTAINS", "cloudfront")]), finding))
        #expect(try Self.matches(Self.string("Title", [("NOT_CONTAINS", "CloudWatch")]), finding))
        #expect(try !Self.matches(Self.string("Title", [("NOT_EQUALS", "Security Hub CloudFront café")]), finding))
        #expect(try !Self.matches(Self.string("Title", [("PREFIX_NOT_EQUALS", "Sec")]), finding))
    }

    @Test func positivesAreOredAndNegativesAnded() throws {
        let finding = #"{"Title": "CloudWatch alarm"}"#
        #expect(
            try Self.matches(Self.string("Title", [("CONTAINS", "CloudFront"), ("CONTAINS", "CloudWatch")]), finding))
        #expect(try !Self.matches(Self.string("Title", [("CONTAINS", "CloudFront"), ("CONTAINS", "S3")]), finding))
        #expect(
            try !Self.matches(
                Self.string("Title", [("NOT_CONTAINS", "CloudFront"), ("NOT_CONTAINS", "CloudWatch")]), finding))
        #expect(
            try Self.matches(Self.string("Title", [("NOT_CONTAINS", "CloudFront"), ("NOT_CONTAINS", "S3")]), finding))
        #expect(try Self.matches(Self.string("Title", [("EQUALS", "x"), ("PREFIX", "Cloud")]), finding))
    }

    @Test func prefixFirstThenTheExclusions() throws {
        // The model's example: resource types starting AwsIam or AwsEc2, except two.
        let filters = Self.string(
            "ResourceType",
            [
                ("PREFIX", "AwsIam"), ("PREFIX", "AwsEc2"), ("NOT_EQUALS", "AwsIamPolicy"),
                ("NOT_EQUALS", "AwsEc2NetworkInterface"),
            ])
        let resources = { (type: String) in #"{"Resources": [{"Type": "\#(type)", "Id": "r"}]}"# }
        #expect(try Self.matches(filters, resources("AwsIamRole")))
        #expect(try Self.matches(filters, resources("AwsEc2Instance")))
        #expect(try !Self.matches(filters, resources("AwsIamPolicy")))
        #expect(try !Self.matches(filters, resources("AwsEc2NetworkInterface")))
        #expect(try !Self.matches(filters, resources("AwsS3Bucket")))
        #expect(
            try Self.matches(
                Self.string("ResourceType", [("PREFIX", "Aws"), ("PREFIX_NOT_EQUALS", "AwsS3")]),
                resources("AwsEc2Instance")))
        #expect(
            try !Self.matches(
                Self.string("ResourceType", [("PREFIX", "Aws"), ("PREFIX_NOT_EQUALS", "AwsS3")]),
                resources("AwsS3Bucket")))
    }

    @Test func listPathsMatchAnyElementAndNegativesNoElement() throws {
        let finding = #"{"Resources": [{"Type": "A", "Id": "x"}, {"Type": "B", "Id": "y"}]}"#
        #expect(try Self.matches(Self.string("ResourceId", [("EQUALS", "y")]), finding))
        #expect(try !Self.matches(Self.string("ResourceId", [("EQUALS", "z")]), finding))
        // NOT_EQUALS x drops every finding that has a resource x, whatever its other resources.
        #expect(try !Self.matches(Self.string("ResourceId", [("NOT_EQUALS", "x")]), finding))
        #expect(try Self.matches(Self.string("ResourceId", [("NOT_EQUALS", "z")]), finding))
        #expect(try !Self.matches(Self.string("ResourceId", [("NOT_CONTAINS", "y")]), finding))
        // Lists within lists: every address of every instance.
        let instances = #"""
            {"Resources": [{"Details": {"AwsEc2Instance": {"IpV4Addresses": ["10.0.0.1"]}}},
                           {"Details": {"AwsEc2Instance": {"IpV4Addresses": ["192.168.1.7", "172.16.0.1"]}}}]}
            """#
        #expect(try Self.matches(#"{"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "192.168.0.0/16"}]}"#, instances))
        #expect(try !Self.matches(#"{"ResourceAwsEc2InstanceIpV4Addresses": [{"Cidr": "11.0.0.0/8"}]}"#, instances))
        let types = #"{"Types": ["TTPs/Discovery", "Effects/Data Exposure"]}"#
        #expect(try Self.matches(Self.string("Type", [("PREFIX", "Effects/")]), types))
        let standards = #"{"Compliance": {"AssociatedStandards": [{"StandardsId": "standards/cis/v/1.4.0"}]}}"#
        #expect(try Self.matches(Self.string("ComplianceAssociatedStandardsId", [("CONTAINS", "cis")]), standards))
    }

    @Test func aMissingFieldFailsPositivesAndPassesNegatives() throws {
        let finding = #"{"Title": "t", "Resources": []}"#
        for comparison in ["EQUALS", "PREFIX", "CONTAINS"] {
            #expect(try !Self.matches(Self.string("ResourceId", [(comparison, "x")]), finding))
            #expect(try !Self.matches(Self.string("NoteText", [(comparison, "x")]), finding))
        }
        for comparison in ["NOT_EQUALS", "PREFIX_NOT_EQUALS", "NOT_CONTAINS"] {
            #expect(try Self.matches(Self.string("ResourceId", [(comparison, "x")]), finding))
            #expect(try Self.matches(Self.string("NoteText", [(comparison, "x")]), finding))
        }
        #expect(try !Self.matches(#"{"Confidence": [{"Gte": 0}]}"#, finding))
        #expect(try !Self.matches(#"{"CreatedAt": [{"Start": "1970-01-01T00:00:00Z"}]}"#, finding))
        #expect(try !Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "0.0.0.0/0"}]}"#, finding))
        #expect(
            try !Self.matches(#"{"UserDefinedFields": [{"Key": "k", "Value": "v", "Comparison": "EQUALS"}]}"#, finding))
        #expect(
            try Self.matches(
                #"{"UserDefinedFields": [{"Key": "k", "Value": "v", "Comparison": "NOT_EQUALS"}]}"#, finding))
        // A value of the wrong type is missing too.
        #expect(try !Self.matches(#"{"Confidence": [{"Gte": 0}]}"#, #"{"Confidence": "50"}"#))
        #expect(try Self.matches(Self.string("Title", [("NOT_EQUALS", "5")]), #"{"Title": 5}"#))
    }

    @Test func numbers() throws {
        let finding = #"{"Confidence": 50, "Severity": {"Normalized": 70, "Product": 7.5}}"#
        #expect(try Self.matches(#"{"Confidence": [{"Gte": 50, "Lte": 50}]}"#, finding))
        #expect(try Self.matches(#"{"Confidence": [{"Eq": 50.0}]}"#, finding))
        #expect(try !Self.matches(#"{"Confidence": [{"Gt": 50}]}"#, finding))
        #expect(try !Self.matches(#"{"Confidence": [{"Lt": 50}]}"#, finding))
        #expect(try Self.matches(#"{"Confidence": [{"Lt": 10}, {"Gt": 40}]}"#, finding))  // ORed
        #expect(try Self.matches(#"{"SeverityProduct": [{"Gt": 7.4, "Lt": 7.6}]}"#, finding))
        #expect(try Self.matches(#"{"SeverityNormalized": [{"Gte": 70}]}"#, finding))
    }

    @Test func datesAreInclusiveInstants() throws {
        let finding = #"{"CreatedAt": "2026-01-05T12:00:00.000Z"}"#
        let at = { (start: String, end: String) in
            #"{"CreatedAt": [{"Start": "\#(start)", "End": "\#(end)"}]}"#
        }
        #expect(try Self.matches(at("2026-01-05T12:00:00Z", "2026-01-05T12:00:00Z"), finding))
        // Offsets: 13:00+01:00 is 12:00Z.
        #expect(try Self.matches(at("2026-01-05T13:00:00+01:00", "2026-01-06T00:00:00Z"), finding))
        #expect(try !Self.matches(at("2026-01-05T12:00:00.001Z", "2026-01-06T00:00:00Z"), finding))
        #expect(try !Self.matches(at("2026-01-01T00:00:00Z", "2026-01-05T11:59:59.999Z"), finding))
        #expect(try Self.matches(#"{"CreatedAt": [{"End": "2026-01-05T12:00:00Z"}]}"#, finding))
        #expect(try !Self.matches(#"{"CreatedAt": [{"Start": "2026-01-05T12:00:00Z"}]}"#, #"{"CreatedAt": "soon"}"#))
        let process = #"{"Process": {"LaunchedAt": "2026-01-01T00:00:00Z"}}"#
        #expect(try Self.matches(#"{"ProcessLaunchedAt": [{"Start": "2025-12-31T00:00:00Z"}]}"#, process))
    }

    @Test func dateRangesAreRelativeToTheInjectedNow() throws {
        // now = 2026-01-10T00:00:00Z.
        let fiveDaysAgo = #"{"UpdatedAt": "2026-01-05T00:00:00Z"}"#
        let within = { (days: Int) in #"{"UpdatedAt": [{"DateRange": {"Value": \#(days), "Unit": "DAYS"}}]}"# }
        let older = { (days: Int) in
            #"{"UpdatedAt": [{"DateRange": {"Value": \#(days), "Unit": "DAYS", "Comparison": "OLDER_THAN"}}]}"#
        }
        #expect(try Self.matches(within(5), fiveDaysAgo))  // the bound is inclusive
        #expect(try !Self.matches(within(4), fiveDaysAgo))
        #expect(try !Self.matches(older(5), fiveDaysAgo))
        #expect(try Self.matches(older(4), fiveDaysAgo))
        // The same filter another day.
        #expect(try !Self.matches(within(5), fiveDaysAgo, now: Self.now + 1))
        #expect(try Self.matches(older(5), fiveDaysAgo, now: Self.now + 1))
        // WITHIN ends now.
        #expect(try !Self.matches(within(5), #"{"UpdatedAt": "2026-01-10T00:00:00.001Z"}"#))
        #expect(try Self.matches(within(0), #"{"UpdatedAt": "2026-01-10T00:00:00Z"}"#))
    }

    @Test func mapFilters() throws {
        let finding = #"""
            {"Resources": [{"Tags": {"env": "prod-eu", "team": "sec"}}, {"Tags": {"env": "dev"}}],
             "UserDefinedFields": {"ticket": "SEC-1"}, "ProductFields": {"aws/securityhub/ProductName": "Security Hub"}}
            """#
        let tag = { (comparison: String, key: String, value: String) in
            #"{"ResourceTags": [{"Key": "\#(key)", "Value": "\#(value)", "Comparison": "\#(comparison)"}]}"#
        }
        #expect(try Self.matches(tag("EQUALS", "env", "dev"), finding))
        #expect(try !Self.matches(tag("EQUALS", "env", "prod"), finding))
        #expect(try Self.matches(tag("CONTAINS", "env", "prod"), finding))
        #expect(try !Self.matches(tag("EQUALS", "Env", "dev"), finding))  // keys are case-sensitive
        #expect(try !Self.matches(tag("NOT_EQUALS", "env", "dev"), finding))  // one resource has it
        #expect(try Self.matches(tag("NOT_EQUALS", "owner", "x"), finding))
        #expect(try !Self.matches(tag("NOT_CONTAINS", "env", "prod"), finding))
        #expect(
            try Self.matches(
                #"{"UserDefinedFields": [{"Key": "ticket", "Value": "SEC-1", "Comparison": "EQUALS"}]}"#, finding))
        #expect(
            try Self.matches(
                #"{"ProductFields": [{"Key": "aws/securityhub/ProductName", "Value": "Hub", "Comparison": "CONTAINS"}]}"#,
                finding))
    }

    @Test func ipFiltersContainAddressesAndNetworks() throws {
        let v4 =
            #"{"Network": {"SourceIpV4": "10.1.2.3", "DestinationIpV4": "10.1.0.0/16", "SourceIpV6": "2001:db8::5"}}"#
        #expect(try Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "10.0.0.0/8"}]}"#, v4))
        #expect(try Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "10.1.2.3"}]}"#, v4))
        #expect(try Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "10.1.2.3/32"}]}"#, v4))
        #expect(try !Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "10.1.2.4/32"}]}"#, v4))
        #expect(try Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "11.0.0.0/8"}, {"Cidr": "10.1.2.0/24"}]}"#, v4))
        // A network value lies inside a shorter prefix only.
        #expect(try Self.matches(#"{"NetworkDestinationIpV4": [{"Cidr": "10.0.0.0/8"}]}"#, v4))
        #expect(try !Self.matches(#"{"NetworkDestinationIpV4": [{"Cidr": "10.1.2.0/24"}]}"#, v4))
        #expect(try Self.matches(#"{"NetworkSourceIpV6": [{"Cidr": "2001:db8::/32"}]}"#, v4))
        #expect(try Self.matches(#"{"NetworkSourceIpV6": [{"Cidr": "2001:0db8:0000::0005/128"}]}"#, v4))
        #expect(try !Self.matches(#"{"NetworkSourceIpV6": [{"Cidr": "2001:db9::/32"}]}"#, v4))
        // Families never mix.
        #expect(try !Self.matches(#"{"NetworkSourceIpV4": [{"Cidr": "::/0"}]}"#, v4))
        #expect(try !Self.matches(#"{"NetworkSourceIpV6": [{"Cidr": "0.0.0.0/0"}]}"#, v4))
        #expect(
            try !Self.matches(
                #"{"NetworkSourceIpV4": [{"Cidr": "0.0.0.0/0"}]}"#, #"{"Network": {"SourceIpV4": "bogus"}}"#))
    }

    @Test func booleansKeywordsAndDifferentFields() throws {
        #expect(try Self.matches(#"{"Sample": [{"Value": true}]}"#, #"{"Sample": true}"#))
        #expect(try !Self.matches(#"{"Sample": [{"Value": false}]}"#, #"{"Sample": true}"#))
        #expect(try Self.matches(#"{"Sample": [{"Value": false}]}"#, #"{"Title": "no sample member"}"#))
        #expect(try !Self.matches(#"{"Sample": [{"Value": true}]}"#, #"{"Title": "no sample member"}"#))
        let finding = #"{"Title": "t", "Resources": [{"Id": "arn:aws:s3:::bucket"}], "Note": {"Text": "x y"}}"#
        #expect(try Self.matches(#"{"Keyword": [{"Value": "arn:aws:s3:::bucket"}]}"#, finding))
        #expect(try !Self.matches(#"{"Keyword": [{"Value": "bucket"}]}"#, finding))
        #expect(try !Self.matches(#"{"Keyword": [{"Value": "Title"}]}"#, finding))  // names are not values
        // Different fields are ANDed.
        let both =
            #"{"Title": [{"Value": "t", "Comparison": "EQUALS"}], "NoteText": [{"Value": "x", "Comparison": "PREFIX"}]}"#
        #expect(try Self.matches(both, finding))
        let oneFails =
            #"{"Title": [{"Value": "t", "Comparison": "EQUALS"}], "NoteText": [{"Value": "y", "Comparison": "PREFIX"}]}"#
        #expect(try !Self.matches(oneFails, finding))
    }

    @Test func regionAndSeverityLabelFallBack() throws {
        let arn = "arn:aws:securityhub:eu-central-1::product/aws/guardduty"
        #expect(try Self.matches(Self.string("Region", [("EQUALS", "eu-central-1")]), #"{"ProductArn": "\#(arn)"}"#))
        #expect(
            try Self.matches(
                Self.string("Region", [("EQUALS", "us-east-1")]), #"{"ProductArn": "\#(arn)", "Region": "us-east-1"}"#))
        #expect(
            try !Self.matches(
                Self.string("Region", [("EQUALS", "eu-central-1")]),
                #"{"ProductArn": "\#(arn)", "Region": "us-east-1"}"#))
        let provider = #"{"FindingProviderFields": {"Severity": {"Label": "LOW"}}}"#
        #expect(try Self.matches(Self.string("SeverityLabel", [("EQUALS", "LOW")]), provider))
        let both = #"{"Severity": {"Label": "HIGH"}, "FindingProviderFields": {"Severity": {"Label": "LOW"}}}"#
        #expect(try Self.matches(Self.string("SeverityLabel", [("EQUALS", "HIGH")]), both))
        #expect(try !Self.matches(Self.string("SeverityLabel", [("EQUALS", "LOW")]), both))
    }

    @Test func sortKeysOrderMissingValuesLastInEitherDirection() throws {
        let findings = [
            #"{"ProductArn": "p", "Id": "b", "Confidence": 5}"#, #"{"ProductArn": "p", "Id": "a"}"#,
            #"{"ProductArn": "p", "Id": "c", "Confidence": 50}"#, #"{"ProductArn": "o", "Id": "z", "Confidence": 5}"#,
        ].map(Self.finding)
        for descending in [false, true] {
            let criteria = [SortCriterion(field: FindingFilterField.named("Confidence")!, descending: descending)]
            let query = FindingsQuery(sortCriteria: criteria)
            let sorted = findings.sorted {
                FindingSortKey.compare(query.sortKey(of: $0), query.sortKey(of: $1), criteria: criteria) < 0
            }
            let ids = sorted.map { query.sortKey(of: $0).id }
            #expect(ids == (descending ? ["c", "z", "b", "a"] : ["z", "b", "c", "a"]))
        }
    }
}
