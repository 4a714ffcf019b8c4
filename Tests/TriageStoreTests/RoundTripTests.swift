import Foundation
import Testing
import TriageCore
import TriageStore

/// The real findings of `Tests/Fixtures/ThirdParty/asff` survive import → export: every member of each
/// original finding is present with an equal JSON value, except a service-owned value the recording
/// contradicts (``recordedNamesReplaced``); the only additions are the customer defaults
/// (`VerificationState` UNKNOWN where missing, `Workflow` NEW where missing) and the service-owned
/// members (`ProductName`, `CompanyName`, `Region`) the older recordings lack.
@Suite struct RoundTripTests {
    typealias Data = StoreTestData

    /// Files whose findings break the required members of §5, with the reason.
    static let rejected = [
        "defectdojo/missing_account_id.json": "AwsAccountId: required member is missing",
        "cloud-custodian/test_security_hub_instance/securityhub.GetFindings_1.json":
            "Description: required member is missing",
    ]

    /// The recorded service-owned values import replaces, with the number of findings: GuardDuty's
    /// company was "AWS" in four of the five 2019 recordings (the fifth and every later one say
    /// "Amazon", as the product table does), and one DefectDojo sample names a Security Hub
    /// control finding's product "Config" at the top level while its own `ProductFields` say
    /// "Security Hub".
    static let recordedNamesReplaced = ["ProductFields.aws/securityhub/CompanyName": 4, "ProductName": 1]

    /// Expects `member` of an original finding in the `exported` one: equal, or (for a
    /// service-owned member) the value import gives, counted in `replaced`.
    static func expectSame(
        _ exported: JSONValue, _ member: JSONMember, key: FindingIdentifier, replaced: inout [String: Int]
    ) {
        let given = exported[key: member.key]
        if member.key == "ProductFields", case .object(let entries) = member.value {
            for entry in entries {
                let value = given?[key: entry.key]
                guard value != entry.value else { continue }
                let owned = ["aws/securityhub/ProductName", "aws/securityhub/CompanyName"].contains(entry.key)
                #expect(owned, "\(key.id): ProductFields.\(entry.key)")
                replaced["ProductFields.\(entry.key)", default: 0] += 1
            }
            return
        }
        guard given != member.value else { return }
        let naming = ServiceOwnedMembers.names(productArn: key.productArn, given: (nil, nil))
        switch member.key {
        case "ProductName": #expect(given == naming.map { .string($0.topLevel.product) }, "\(key.id)")
        case "CompanyName": #expect(given == naming.map { .string($0.topLevel.company) }, "\(key.id)")
        default: Issue.record("\(key.id): \(member.key) changed")
        }
        replaced[member.key, default: 0] += 1
    }

    static func exported(_ store: FindingsStore) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        try store.exportAll { lines.append($0) }
        return lines
    }

    static func identifier(_ finding: JSONValue) -> FindingIdentifier? {
        guard case .string(let id)? = finding[key: "Id"], case .string(let arn)? = finding[key: "ProductArn"] else {
            return nil
        }
        return FindingIdentifier(id: id, productArn: arn)
    }

    @Test func realFindingsRoundTripLosslessly() throws {
        try Data.withStore { store, _ in
            var originals: [FindingIdentifier: JSONValue] = [:]
            for (path, memberPath) in Data.asffFiles {
                let findings = try Data.findings(in: path, at: memberPath)
                #expect(!findings.isEmpty, "\(path)")
                let outcomes = try store.import(findings: findings)
                for (bytes, outcome) in zip(findings, outcomes) {
                    if let reason = Self.rejected[path] {
                        guard case .failed(let id, .invalidInput, let message) = outcome else {
                            Issue.record("\(path): expected a rejection, got \(outcome)")
                            continue
                        }
                        #expect(message == reason)
                        #expect(id != nil)
                        continue
                    }
                    guard case .created(let key) = outcome else {
                        Issue.record("\(path): \(outcome)")
                        continue
                    }
                    originals[key] = try JSONParser.parse(bytes)
                }
            }
            #expect(originals.count == 26)
            #expect(try store.count() == originals.count)

            let lines = try Self.exported(store)
            #expect(lines.count == originals.count)
            var keys: [FindingIdentifier] = []
            var added: [String: Int] = [:]
            var replaced: [String: Int] = [:]
            for line in lines {
                #expect(!line.contains(UInt8(ascii: "\n")))
                let exported = try JSONParser.parse(line)
                let key = try #require(Self.identifier(exported))
                keys.append(key)
                let original = try #require(originals[key])
                guard case .object(let originalMembers) = original, case .object(let exportedMembers) = exported else {
                    Issue.record("not objects")
                    continue
                }
                for member in originalMembers {
                    Self.expectSame(exported, member, key: key, replaced: &replaced)
                }
                let originalKeys = Set(originalMembers.map(\.key))
                let naming = ServiceOwnedMembers.names(productArn: key.productArn, given: (nil, nil))
                for member in exportedMembers where !originalKeys.contains(member.key) {
                    added[member.key, default: 0] += 1
                    switch member.key {
                    case "VerificationState": #expect(member.value == .string("UNKNOWN"))
                    case "Workflow":
                        #expect(member.value == .object([JSONMember(key: "Status", value: .string("NEW"))]))
                    case "ProductName": #expect(member.value == naming.map { .string($0.topLevel.product) })
                    case "CompanyName": #expect(member.value == naming.map { .string($0.topLevel.company) })
                    case "Region":
                        #expect(member.value == .string(ProviderFinding.region(ofProductArn: key.productArn)))
                    default: Issue.record("\(key.id): unexpected member \(member.key)")
                    }
                }
                // The stored finding read alone is the exported line.
                #expect(try store.finding(key) == line)
            }
            // None of the real findings has VerificationState; the five 2019 GuardDuty ones lack Workflow;
            // the recordings older than the top-level names (2018–2021) lack some of them.
            #expect(
                added == ["VerificationState": 26, "Workflow": 5, "ProductName": 8, "CompanyName": 10, "Region": 10])
            #expect(replaced == Self.recordedNamesReplaced)
            // Sorted by (ProductArn, Id) in byte order.
            let byteOrder = keys.map { Array($0.productArn.utf8) + [0] + Array($0.id.utf8) }
            #expect(byteOrder == byteOrder.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test func anExportReimportsToTheSameExport() throws {
        try Data.withStore { first, _ in
            for (path, memberPath) in Data.asffFiles {
                _ = try first.import(findings: try Data.findings(in: path, at: memberPath))
            }
            let ec2 = FindingIdentifier(
                id: "arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices"
                    + "/v/1.0.0/EC2.8/finding/7ff2dedd-7f57-4195-a7c9-b2d5dacd7de6",
                productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub")
            let outcomes = try first.apply(
                batch: [(0, ec2)], update: FindingUpdate(note: NoteUpdate(text: "n", updatedBy: "u"), confidence: 7),
                now: "2026-11-24T02:00:00.000Z")
            #expect(outcomes == [.processed])
            let lines = try Self.exported(first)
            try Data.withStore { second, _ in
                let outcomes = try second.import(findings: lines)
                let allCreated = outcomes.allSatisfy { if case .created = $0 { true } else { false } }
                #expect(allCreated)
                // The applied note and confidence came back as provider values; the bytes are the same.
                #expect(try Self.exported(second) == lines)
                #expect(
                    try second.finding(ec2).map { String(decoding: $0, as: UTF8.self).contains(#""Confidence":7"#) }
                        == true)
            }
        }
    }

    @Test func missingAccountIdIsRejectedWithTheReason() throws {
        try Data.withStore { store, _ in
            let findings = try Data.findings(in: "defectdojo/missing_account_id.json", at: ["findings"])
            let outcomes = try store.import(findings: findings)
            #expect(
                outcomes == [
                    .failed(
                        id: "arn:aws:inspector2:us-east-1:1234567:finding/12344bc", code: .invalidInput,
                        message: "AwsAccountId: required member is missing")
                ])
            #expect(try store.count() == 0)
        }
    }
}
