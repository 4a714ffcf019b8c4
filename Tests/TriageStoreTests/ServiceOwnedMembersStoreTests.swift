import Testing
import TriageCore
import TriageStore

/// The service-owned members through the store (`docs/contract.md`, import): the real recorded
/// findings of `Tests/Fixtures/ThirdParty/asff`, imported without those members, get back the values
/// Security Hub recorded; the filters read them; a bad timestamp fails its finding only.
@Suite struct ServiceOwnedMembersStoreTests {
    typealias Data = StoreTestData

    static let topLevel = ["ProductName", "CompanyName", "Region"]
    static let productFields = [
        "aws/securityhub/FindingId", "aws/securityhub/ProductName", "aws/securityhub/CompanyName",
    ]

    /// The recorded values import does not give back, with the reason: the names the product
    /// table holds are the current ones (GuardDuty's company was "AWS" in four of the five 2019
    /// recordings, "Amazon" in the fifth and since), and one DefectDojo sample names a Security Hub
    /// control finding's product "Config" at the top level while its `ProductFields` say
    /// "Security Hub".
    static let knownDifferences: [String: (recorded: String, imported: String, count: Int)] = [
        "ProductFields.aws/securityhub/CompanyName": ("AWS", "Amazon", 4),
        "ProductName": ("Config", "Security Hub", 1),
    ]

    /// A recorded finding without its service-owned members (those import derives), re-serialised.
    static func stripped(_ finding: JSONValue) -> JSONValue {
        guard case .object(var members) = finding else { return finding }
        let derivesSeverityLabel =
            ServiceOwnedMembers.severityLabel(
                severity: finding[key: "Severity"], providerFields: finding[key: "FindingProviderFields"]) != nil
        members.removeAll { topLevel.contains($0.key) }
        for index in members.indices where members[index].key == "ProductFields" {
            guard case .object(var entries) = members[index].value else { continue }
            entries.removeAll {
                productFields.contains($0.key) || (derivesSeverityLabel && $0.key == "aws/securityhub/SeverityLabel")
            }
            members[index].value = .object(entries)
        }
        return .object(members)
    }

    /// Every recorded finding that import accepts, as parsed.
    static func recorded() throws -> [JSONValue] {
        var findings: [JSONValue] = []
        for (path, memberPath) in Data.asffFiles {
            for bytes in try Data.findings(in: path, at: memberPath) { findings.append(try JSONParser.parse(bytes)) }
        }
        return findings.filter { $0[key: "AwsAccountId"] != nil && $0[key: "Description"] != nil }
    }

    @Test func recordedFindingsGetTheirServiceOwnedValuesBack() throws {
        let recorded = try Self.recorded()
        #expect(recorded.count == 26)
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: recorded.map { CompactJSON.bytes(Self.stripped($0)) })
            #expect(outcomes.allSatisfy { if case .created = $0 { true } else { false } })
            var differences: [String: Int] = [:]
            var compared = 0
            for original in recorded {
                guard case .string(let id)? = original[key: "Id"], case .string(let arn)? = original[key: "ProductArn"]
                else {
                    Issue.record("no key")
                    continue
                }
                let key = FindingIdentifier(id: id, productArn: arn)
                let exported = try JSONParser.parse(try #require(try store.finding(key)))
                var checks: [(String, JSONValue?, JSONValue?)] = Self.topLevel.map {
                    ($0, original[key: $0], exported[key: $0])
                }
                for name in Self.productFields + ["aws/securityhub/SeverityLabel"] {
                    checks.append(
                        (
                            "ProductFields.\(name)", original[key: "ProductFields"]?[key: name],
                            exported[key: "ProductFields"]?[key: name]
                        ))
                }
                for (path, recordedValue, importedValue) in checks {
                    guard let recordedValue else { continue }  // not in this recording
                    compared += 1
                    if recordedValue == importedValue { continue }
                    differences[path, default: 0] += 1
                    let known = try #require(Self.knownDifferences[path], "\(id): \(path)")
                    #expect(recordedValue == .string(known.recorded), "\(id): \(path)")
                    #expect(importedValue == .string(known.imported), "\(id): \(path)")
                }
                // Top-level names the recording lacks are its ProductFields names.
                for (name, entry) in [
                    ("ProductName", "aws/securityhub/ProductName"), ("CompanyName", "aws/securityhub/CompanyName"),
                ]
                where original[key: name] == nil {
                    #expect(exported[key: name] == exported[key: "ProductFields"]?[key: entry], "\(id): \(name)")
                }
                #expect(exported[key: "Region"] == .string(ProviderFinding.region(ofProductArn: arn)), "\(id)")
                // Every other member is the recorded one.
                if case .object(let members) = original {
                    for member in members where !Self.topLevel.contains(member.key) && member.key != "ProductFields" {
                        if ["Workflow", "VerificationState"].contains(member.key) { continue }
                        #expect(exported[key: member.key] == member.value, "\(id): \(member.key)")
                    }
                }
            }
            #expect(differences == Self.knownDifferences.mapValues(\.count))
            #expect(compared >= 26 * 3)
        }
    }

    @Test func theFiltersReadTheServiceOwnedMembers() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: try Self.recorded().map { CompactJSON.bytes(Self.stripped($0)) })
            func ids(_ filters: String) throws -> Int {
                try QueryTestData.allPages(store, try QueryTestData.query(#"{"Filters": \#(filters)}"#)).findings.count
            }
            #expect(try ids(#"{"ProductName": [{"Value": "Security Hub", "Comparison": "EQUALS"}]}"#) == 5)
            #expect(try ids(#"{"ProductName": [{"Value": "GuardDuty", "Comparison": "EQUALS"}]}"#) == 9)
            #expect(try ids(#"{"CompanyName": [{"Value": "Amazon", "Comparison": "EQUALS"}]}"#) == 18)
            #expect(try ids(#"{"CompanyName": [{"Value": "Cloud Custodian", "Comparison": "EQUALS"}]}"#) == 3)
            #expect(try ids(#"{"Region": [{"Value": "eu-central-1", "Comparison": "EQUALS"}]}"#) == 8)
            #expect(
                try ids(
                    #"{"ProductFields": [{"Key": "aws/securityhub/CompanyName", "Value": "AWS", "Comparison": "EQUALS"}]}"#
                )
                    == 5)
        }
    }

    @Test func aBadTimestampFailsItsFindingOnly() throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [
                Data.document(id: "good-1"),
                Data.document(id: "bad", ["CreatedAt": #""yesterday""#]),
                Data.document(id: "good-2", ["FirstObservedAt": #""2026-01-01T00:00:00+05:30""#]),
            ])
            #expect(outcomes[0] == .created(FindingIdentifier(id: "good-1", productArn: Data.guardDutyArn)))
            #expect(
                outcomes[1]
                    == .failed(
                        id: "bad", code: .invalidInput,
                        message:
                            #"Finding does not adhere to Amazon Finding Format. data.CreatedAt should match format "date-time"."#
                    ))
            #expect(outcomes[2] == .created(FindingIdentifier(id: "good-2", productArn: Data.guardDutyArn)))
            #expect(try store.count() == 2)
        }
    }
}
