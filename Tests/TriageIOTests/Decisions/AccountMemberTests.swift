import Foundation
import Testing
import TriageCore

@testable import TriageIO

/// `AwsAccountId`, the routing member of a decision record (NDJSON member, CSV column): checked
/// as 12 digits, carried with the decision, never part of the update.
struct AccountMemberTests {
    static let id = "arn:aws:securityhub:us-east-1:123456789012:finding/1"
    static let product = "arn:aws:securityhub:us-east-1::product/aws/securityhub"

    /// The verdicts of `lines` read as NDJSON.
    static func verdicts(_ text: String, format: DecisionFormat = .ndjson) throws -> [CheckedDecision] {
        let records = try decodeAll(text, format: format)
        return records.flatMap { record -> [CheckedDecision] in
            if case .checked(let verdicts, _) = record { return verdicts }
            return []
        }
    }

    @Test(
        "NDJSON: the member is kept with the decision on the fast and the slow path",
        arguments: [
            #"{"Id": "\#(id)", "ProductArn": "\#(product)", "AwsAccountId": "222222222222", "Workflow": {"Status": "RESOLVED"}}"#,
            #"{"AwsAccountId": "222222222222", "Id": "\#(id)", "ProductArn": "\#(product)", "Workflow": {"Status": "RESOLVED"}, "Note": null}"#,
            #"{"Id": "\#(id)", "ProductArn": "\#(product)", "AwsAccountId": "2222222222\u0032\u0032", "Workflow": {"Status": "RESOLVED"}}"#,
        ])
    func ndjsonMember(_ line: String) throws {
        let verdicts = try Self.verdicts(line + "\n")
        guard case .valid(let identifier, let update, let account)? = verdicts.first else {
            Issue.record("not valid: \(verdicts)")
            return
        }
        #expect(account == "222222222222")
        #expect(identifier.id == Self.id)
        #expect(!String(decoding: update.canonicalJSON, as: UTF8.self).contains("AwsAccountId"))
    }

    @Test(
        "a member that is not 12 digits makes the record invalid, naming it",
        arguments: [#""22222222222""#, #""2222222222222""#, #""22222222222x""#, "222222222222"])
    func badMember(_ value: String) throws {
        let line =
            #"{"Id": "\#(Self.id)", "ProductArn": "\#(Self.product)", "AwsAccountId": \#(value), "Confidence": 5}"#
        let verdicts = try Self.verdicts(line + "\n")
        guard case .invalid(_, let issues)? = verdicts.first else {
            Issue.record("not invalid: \(verdicts)")
            return
        }
        #expect(issues.contains { $0.field == "AwsAccountId" }, "\(issues)")
    }

    @Test("a whole request's member applies to each of its findings")
    func wholeRequest() throws {
        let line =
            #"{"FindingIdentifiers": [{"Id": "a", "ProductArn": "p"}, {"Id": "b", "ProductArn": "p"}], "#
            + #""AwsAccountId": "333333333333", "Confidence": 5}"#
        let accounts = try Self.verdicts(line + "\n").compactMap { verdict -> String? in
            if case .valid(_, _, let account) = verdict { return account }
            return nil
        }
        #expect(accounts == ["333333333333", "333333333333"])
    }

    @Test("CSV: an AwsAccountId column, blank for none")
    func csvColumn() throws {
        let text =
            "Id,ProductArn,AwsAccountId,Confidence\n\(Self.id),\(Self.product),444444444444,5\n"
            + "\(Self.id)2,\(Self.product),,5\n\(Self.id)3,\(Self.product),44,5\n"
        let verdicts = try Self.verdicts(text, format: .csv)
        #expect(verdicts.count == 3)
        if case .valid(_, _, let account) = verdicts[0] { #expect(account == "444444444444") } else { Issue.record() }
        if case .valid(_, _, let account) = verdicts[1] { #expect(account == nil) } else { Issue.record() }
        if case .invalid = verdicts[2] {} else { Issue.record("44 accepted") }
    }

    @Test("the spool, the journal and a spilled batch keep a given account and derive the Id's")
    func roundTrips() throws {
        let given = RecordReference(
            sequence: 3, source: SourceLocation(input: 0, line: 4), id: "plain", productArn: Self.product,
            account: "555555555555")
        let derived = RecordReference(sequence: 4, source: SourceLocation(input: 0, line: 5), id: Self.id)
        for reference in [given, derived] {
            var bytes: [UInt8] = []
            RecordSpool.encode(reference, outcome: .processed, to: &bytes)
            let decoded = try RecordSpool.Decoder.decode(bytes, at: 0, sequence: reference.sequence)
            #expect(decoded?.0 == reference)
        }
        let members = [
            BatchMember(
                sequence: 1, identifier: FindingIdentifier(id: "plain", productArn: Self.product),
                account: "555555555555"),
            BatchMember(
                sequence: 2, identifier: FindingIdentifier(id: Self.id, productArn: Self.product),
                account: "123456789012"),
            BatchMember(sequence: 3, identifier: FindingIdentifier(id: "other", productArn: Self.product)),
        ]
        let update = try #require(CanonicalUpdate.decoding(canonicalJSON: Array(#"{"Confidence":5}"#.utf8)))
        let batch = PlannedBatch(update: update, members: members, region: "us-east-1", account: "555555555555")
        var bytes: [UInt8] = []
        PlannedBatchBytes.append(batch, to: &bytes)
        let back = try #require(PlannedBatchBytes.decode(bytes) { CanonicalUpdate.decoding(canonicalJSON: $0) })
        #expect(back.members == members && back.account == "555555555555" && back.region == "us-east-1")
    }
}
