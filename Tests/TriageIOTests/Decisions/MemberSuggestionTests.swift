import Testing
import TriageCore

@testable import TriageIO

/// "Did you mean" for typo'd members (NDJSON, top-level and nested) and CSV columns.
@Suite struct MemberSuggestionTests {
    static func firstVerdict(_ line: String) throws -> String {
        try verdicts(decodeAll(line, format: .ndjson)).first ?? ""
    }

    @Test(arguments: [
        (
            #""VerificationStat":"BENIGN_POSITIVE""#,
            "VerificationStat: is not a member of a decision record (did you mean VerificationState?)"
        ),
        (
            #""WorkflowStatus":"NEW""#,
            "WorkflowStatus: is not a member of a decision record (did you mean Workflow.Status?)"
        ),
        (
            #""WorkflowStauts":"NEW""#,
            "WorkflowStauts: is not a member of a decision record (did you mean Workflow.Status?)"
        ),
        (#""confidnce":5"#, "confidnce: is not a member of a decision record (did you mean Confidence?)"),
        (#""Serverity":{"Label":"LOW"}"#, "Serverity: is not a member of a decision record (did you mean Severity?)"),
        (#""Zebra":1"#, "Zebra: is not a member of a decision record"),
        (#""WorkflowState":"NEW""#, "WorkflowState: is not updatable through BatchUpdateFindings"),
    ])
    func topLevelMembers(member: String, expected: String) throws {
        #expect(try Self.firstVerdict(#"{"Id":"a","ProductArn":"p",\#(member)}"#) == "invalid 1 \(expected)")
    }

    @Test(arguments: [
        (
            #""Workflow":{"Stauts":"NEW"}"#,
            "Workflow.Stauts: is not a member of Workflow (did you mean Workflow.Status?)"
        ),
        (#""Note":{"Txt":"x","UpdatedBy":"me"}"#, "Note.Txt: is not a member of Note (did you mean Note.Text?)"),
        (
            #""Note":{"Text":"x","updatedby":"me"}"#,
            "Note.updatedby: is not a member of Note (did you mean Note.UpdatedBy?)"
        ),
        (#""Severity":{"Lable":"LOW"}"#, "Severity.Lable: is not a member of Severity (did you mean Severity.Label?)"),
        (
            #""Severity":{"Normalised":5}"#,
            "Severity.Normalised: is not a member of Severity (did you mean Severity.Normalized?)"
        ),
        (#""Workflow":{"Colour":"NEW"}"#, "Workflow.Colour: is not a member of Workflow (members: Status)"),
        (
            #""RelatedFindings":[{"Idd":"b","ProductArn":"p"}]"#,
            "RelatedFindings[0].Idd: is not a member of RelatedFindings[0] (did you mean RelatedFindings[0].Id?)"
        ),
    ])
    func nestedMembers(member: String, expected: String) throws {
        #expect(try Self.firstVerdict(#"{"Id":"a","ProductArn":"p",\#(member)}"#).hasPrefix("invalid 1 \(expected)"))
    }

    /// The scanning path and the full parser (a whole-request line) give the same suggestion.
    @Test func bothNDJSONPathsSuggest() throws {
        let plain = try Self.firstVerdict(#"{"Id":"a","ProductArn":"p","VerificationStat":"UNKNOWN"}"#)
        let whole = try Self.firstVerdict(
            #"{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"VerificationStat":"UNKNOWN"}"#)
        #expect(plain == whole)
        #expect(plain.hasSuffix("(did you mean VerificationState?)"))
    }

    @Test(arguments: [
        (
            "Id,ProductArn,Workflow.Stauts",
            #"unknown column "Workflow.Stauts" (did you mean Workflow.Status?); columns are"#
        ),
        (
            "Id,ProductArn,Severity.Lable",
            #"unknown column "Severity.Lable" (did you mean Severity.Label?); columns are"#
        ),
        (
            "Id,ProductArn,WorkflowStatus",
            #"unknown column "WorkflowStatus" (did you mean Workflow.Status?); columns are"#
        ),
        (
            "Id,ProdcutArn,Note.Txt",
            #"unknown columns "ProdcutArn" (did you mean ProductArn?), "Note.Txt" (did you mean Note.Text?); columns are"#
        ),
        (
            "Id,ProductArn,UserDefinedField.ticket",
            #"unknown column "UserDefinedField.ticket" (did you mean UserDefinedFields.ticket?)"#
        ),
        ("Id,ProductArn,Zebra", #"unknown column "Zebra"; columns are"#),
    ])
    func csvColumns(header: String, expected: String) {
        do {
            _ = try decodeAll(header + "\na,p,1\n", format: .csv)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
