import Testing
import TriageCore

/// Security Hub's "Timestamps" rules (``FindingTimestamp/Rules/securityHub``) and their check on
/// every timestamp member of an imported finding (``ASFFTimestamps``).
@Suite struct FindingTimestampRulesTests {
    /// The forms the API reference lists (with its own examples), and others its grammar allows.
    static let accepted: [(String, Int64, Int32)] = [
        ("2019-01-31T23:00:00Z", 1_548_975_600, 0),
        ("2019-01-31T23:00:00.123456789Z", 1_548_975_600, 123_456_789),
        ("2024-01-04T15:25:10+17:59", 1_704_381_910 - 17 * 3600 - 59 * 60, 0),
        ("2024-01-04T15:25:10-1759", 1_704_381_910 + 17 * 3600 + 59 * 60, 0),
        ("2024-01-04T15:25:10.123456789+17:59", 1_704_381_910 - 17 * 3600 - 59 * 60, 123_456_789),
        ("2024-01-04T15:25:10+18:00", 1_704_381_910 - 18 * 3600, 0),
        ("2024-01-04T15:25:10-05", 1_704_381_910 + 5 * 3600, 0),
        ("2021-07-01T22:51:01.755837+00:00", 1_625_179_861, 755_837_000),
        ("2020-05-27T03:38:28.1Z", 1_590_550_708, 100_000_000),
        ("2016-12-31T23:59:60Z", 1_483_228_800, 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800, 0),
    ]

    /// Forms the rules refuse, each for one reason.
    static let refused = [
        "yesterday", "", "2019-01-31", "2019-01-31 23:00:00Z", "2019-01-31t23:00:00Z", "2019-01-31T23:00:00z",
        "2019-01-31T23:00:00", "2019-01-31T23:00:00.1234567890Z", "2019-01-31T23:00:00.Z",
        "2019-01-31T23:00:00+18:01", "2019-01-31T23:00:00+19", "2019-01-31T23:00:00+05:3", "2019-01-31T23:00:00+5:30",
        "2019-01-31T23:00:00+05:60", "2019-01-31T12:30:60Z", "2023-02-29T00:00:00Z", "2019-13-01T00:00:00Z",
        "2019-01-31T24:00:00Z", "2019-01-31T23:60:00Z", "2019-01-31T23:00:00Z ", "19-01-31T23:00:00Z",
        "2019-01-31T23:00:00+05:00:00",
    ]

    @Test(arguments: accepted)
    func documentedFormsAreAccepted(text: String, seconds: Int64, nanoseconds: Int32) throws {
        let parsed = try #require(FindingTimestamp(text, rules: .securityHub), "\(text)")
        #expect(parsed.seconds == seconds, "\(text)")
        #expect(parsed.nanoseconds == nanoseconds, "\(text)")
        // The lenient reading agrees wherever both accept.
        if let lenient = FindingTimestamp(text) { #expect(lenient == parsed, "\(text)") }
    }

    @Test(arguments: refused)
    func otherFormsAreRefused(text: String) {
        #expect(FindingTimestamp(text, rules: .securityHub) == nil, "\(text)")
    }

    @Test func theLenientReadingKeepsItsFormsForFiltersAndStoredFindings() {
        for text in ["2019-01-31t23:00:00z", "2019-01-31T23:00:00.1234567890Z", "2019-01-31T12:30:60Z"] {
            #expect(FindingTimestamp(text) != nil, "\(text)")
            #expect(FindingTimestamp(text, rules: .securityHub) == nil, "\(text)")
        }
    }

    static func finding(_ extra: String = "", createdAt: String = #""2020-01-01T00:00:00Z""#) -> [UInt8] {
        Array(
            """
            {"SchemaVersion":"2018-10-08","Id":"f-1","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/guardduty",
            "GeneratorId":"g","AwsAccountId":"111111111111","CreatedAt":\(createdAt),"UpdatedAt":"2020-01-02T00:00:00Z",
            "Severity":{"Label":"LOW"},"Title":"t","Description":"d",
            "Resources":[{"Type":"Other","Id":"r1"},{"Type":"AwsEc2Instance","Id":"i-1",
            "Details":{"AwsEc2Instance":{"Type":"t2.micro","LaunchedAt":"2020-01-01T00:00:00Z"}}}]\(extra)}
            """.utf8)
    }

    static func violation(_ bytes: [UInt8]) throws -> String? {
        try bytes.withUnsafeBytes { buffer in
            ASFFTimestamps.violation(in: buffer, layout: try JSONObjectLayout.scan(buffer))
        }
    }

    @Test func aValidFindingHasNoViolation() throws {
        #expect(try Self.violation(Self.finding()) == nil)
        #expect(
            try Self.violation(
                Self.finding(
                    #","Note":{"Text":"n","UpdatedBy":"u","UpdatedAt":"2020-01-01T00:00:00+01:00"},"ProcessedAt":"\u0032020-01-01T00:00:00Z""#
                )) == nil)
    }

    /// Each documented place, top level and nested, fails with the service's message naming it.
    @Test(arguments: [
        (#","FirstObservedAt":"yesterday""#, "data.FirstObservedAt should match format \"date-time\""),
        (#","ProcessedAt":"2020-01-01T00:00:00""#, "data.ProcessedAt should match format \"date-time\""),
        (
            #","Note":{"Text":"n","UpdatedBy":"u","UpdatedAt":"2020-01-01 00:00:00Z"}"#,
            "data.Note.UpdatedAt should match format \"date-time\""
        ),
        (#","LastObservedAt":12"#, "data.LastObservedAt should be string"),
        (
            #","ThreatIntelIndicators":[{"Value":"x"},{"LastObservedAt":"2020-02-30T00:00:00Z"}]"#,
            "data.ThreatIntelIndicators[1].LastObservedAt should match format \"date-time\""
        ),
        (
            #","Action":{"ActionType":"AWS_API_CALL","AwsApiCallAction":{"FirstSeen":"now"}}"#,
            "data.Action.AwsApiCallAction.FirstSeen should match format \"date-time\""
        ),
        (
            #","Vulnerabilities":[{"Id":"CVE-1","Vendor":{"Name":"v","VendorUpdatedAt":"2020-01-01T00:00:00+24:00"}}]"#,
            "data.Vulnerabilities[0].Vendor.VendorUpdatedAt should match format \"date-time\""
        ),
    ])
    func aBadTimestampIsNamedByItsPath(extra: String, expected: String) throws {
        #expect(
            try Self.violation(Self.finding(extra)) == "Finding does not adhere to Amazon Finding Format. \(expected).")
    }

    @Test func aResourceDetailTimestampIsChecked() throws {
        let bytes = Array(
            String(decoding: Self.finding(), as: UTF8.self).replacingOccurrences(
                of: #""LaunchedAt":"2020-01-01T00:00:00Z""#, with: #""LaunchedAt":"2020-01-01T00:00:00.0000000001Z""#
            ).utf8)
        #expect(
            try Self.violation(bytes)
                == #"Finding does not adhere to Amazon Finding Format. data.Resources[1].Details.AwsEc2Instance.LaunchedAt should match format "date-time"."#
        )
    }

    @Test func theFirstBadTimestampInTheDocumentIsTheOneNamed() throws {
        #expect(
            try Self.violation(Self.finding(#","ProcessedAt":"x""#, createdAt: #""y""#))
                == #"Finding does not adhere to Amazon Finding Format. data.CreatedAt should match format "date-time"."#
        )
    }

    @Test func membersOfAnotherShapeAreLeftToTheRestOfImport() throws {
        // Not this check's business: a Resources that is not a list, a Note that is not an object.
        #expect(try Self.violation(Self.finding(#","Note":"text","Process":[1]"#)) == nil)
    }

    @Test func everyDocumentedPathIsInTheTree() {
        #expect(ASFFTimestamps.paths.count == 75)
        #expect(Set(ASFFTimestamps.paths).count == ASFFTimestamps.paths.count)
        for top in ["CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt", "ProcessedAt", "Note.UpdatedAt"] {
            #expect(ASFFTimestamps.paths.contains(top), "\(top)")
        }
    }

    @Test func importRefusesTheFindingWithTheServiceCode() throws {
        do {
            _ = try ProviderFinding(bytes: Self.finding(createdAt: #""yesterday""#))
            Issue.record("expected a refusal")
        } catch {
            guard case .findingRefused(let id, let code) = error.code else {
                Issue.record("\(error)")
                return
            }
            #expect(id == "f-1")
            #expect(code == .invalidInput)
            #expect(
                error.message
                    == #"Finding does not adhere to Amazon Finding Format. data.CreatedAt should match format "date-time"."#
            )
        }
    }
}
