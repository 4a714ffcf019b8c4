import Testing
import TriageCore

/// A valid draft for one finding with a workflow change, to vary one member at a time.
func baseDraft(_ configure: (inout UpdateDraft) -> Void = { _ in }) -> UpdateDraft {
    var draft = UpdateDraft()
    draft.identifiers = [
        RawIdentifier(id: "finding-1", productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub")
    ]
    draft.workflowStatus = "SUPPRESSED"
    configure(&draft)
    return draft
}

/// The single verdict's issues as one message, or nil when valid.
func problems(_ draft: UpdateDraft, author: String? = nil) -> String? {
    let verdicts = draft.validate(defaultNoteAuthor: author)
    #expect(verdicts.count == 1)
    switch verdicts[0] {
    case .valid: return nil
    case .invalid(_, let issues): return ValidationIssue.message(issues)
    }
}

func validUpdate(_ draft: UpdateDraft) -> FindingUpdate? {
    if case .valid(_, let update, _) = draft.validate().first { return update.update }
    return nil
}

/// "é" is 2 bytes in UTF-8 and one character: lengths count characters, not bytes.
func text(_ count: Int, _ unit: String = "é") -> String { String(repeating: unit, count: count) }

@Suite struct ValidationBoundsTests {
    @Test(arguments: [(512, true), (513, false), (1, true)])
    func idLengthCountsCharacters(length: Int, valid: Bool) {
        let draft = baseDraft { $0.identifiers[0].id = text(length) }
        #expect((problems(draft) == nil) == valid)
        if !valid { #expect(problems(draft)!.contains("Id: is 513 characters long")) }
    }

    @Test(arguments: ["", " ", "\t\n", "\r\n "])
    func blankIdentifiersAreInvalid(value: String) {
        #expect(problems(baseDraft { $0.identifiers[0].id = value })!.hasPrefix("Id: must contain a non-whitespace"))
        #expect(problems(baseDraft { $0.identifiers[0].productArn = value })!.hasPrefix("ProductArn: must contain"))
    }

    @Test func missingIdentifierMembersAreNamed() {
        #expect(problems(baseDraft { $0.identifiers = [RawIdentifier(id: nil, productArn: "p")] }) == "Id: is required")
        #expect(
            problems(baseDraft { $0.identifiers = [RawIdentifier(id: "i", productArn: nil)] })
                == "ProductArn: is required")
    }

    @Test(arguments: [(512, true), (513, false), (1, true), (0, false)])
    func noteTextLength(length: Int, valid: Bool) {
        let draft = baseDraft {
            $0.hasNote = true
            $0.noteText = text(length, "😀")
            $0.noteUpdatedBy = "bot"
        }
        #expect((problems(draft) == nil) == valid)
    }

    @Test(arguments: [(512, true), (513, false)])
    func noteAuthorLength(length: Int, valid: Bool) {
        let draft = baseDraft {
            $0.hasNote = true
            $0.noteText = "ok"
            $0.noteUpdatedBy = text(length, "語")
        }
        #expect((problems(draft) == nil) == valid)
    }

    @Test func noteNonBlankIsUnanchored() {
        // `.*\S.*` unanchored: one non-whitespace character anywhere, multi-line allowed.
        #expect(
            problems(
                baseDraft {
                    $0.hasNote = true; $0.noteText = "\n\n  x\n"; $0.noteUpdatedBy = "b"
                }) == nil)
        #expect(
            problems(
                baseDraft {
                    $0.hasNote = true; $0.noteText = " \n\t "; $0.noteUpdatedBy = "b"
                })
                == "Note.Text: must contain a non-whitespace character")
    }

    @Test func noteNeedsBothMembersUnlessDefaultAuthorGiven() {
        let draft = baseDraft {
            $0.hasNote = true; $0.noteText = "checked"
        }
        #expect(problems(draft) == "Note.UpdatedBy: is required when Note is present (or give --updated-by)")
        #expect(problems(draft, author: "nightly-job") == nil)
        if case .valid(_, let update, _) = draft.validate(defaultNoteAuthor: "nightly-job")[0] {
            #expect(update.update.note == NoteUpdate(text: "checked", updatedBy: "nightly-job"))
        } else {
            Issue.record("expected valid")
        }
        #expect(
            problems(
                baseDraft {
                    $0.hasNote = true; $0.noteUpdatedBy = "b"
                }) == "Note.Text: is required when Note is present")
    }

    @Test(arguments: [(0, true), (100, true), (101, false), (-1, false), (50, true)])
    func percentFields(value: Int, valid: Bool) {
        #expect((problems(baseDraft { $0.confidence = value }) == nil) == valid)
        #expect((problems(baseDraft { $0.criticality = value }) == nil) == valid)
        #expect((problems(baseDraft { $0.severityNormalized = value }) == nil) == valid)
        if !valid {
            #expect(problems(baseDraft { $0.confidence = value }) == "Confidence: \(value) is out of range 0 to 100")
        }
    }

    @Test func zeroValuesAreKept() {
        let update = validUpdate(
            baseDraft {
                $0.workflowStatus = nil; $0.confidence = 0; $0.criticality = 0; $0.severityNormalized = 0
            })
        #expect(update?.confidence == 0)
        #expect(update?.criticality == 0)
        #expect(update?.severity?.normalized == 0)
        let canonical = String(decoding: update!.canonicalJSON, as: UTF8.self)
        #expect(canonical == #"{"Severity":{"Normalized":0},"Confidence":0,"Criticality":0}"#)
    }

    @Test func enumsNameTheAllowedValues() {
        #expect(
            problems(baseDraft { $0.workflowStatus = "CLOSED" })
                == #"Workflow.Status: "CLOSED" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED"#)
        #expect(
            problems(baseDraft { $0.verificationState = "false_positive" })
                == #"VerificationState: "false_positive" is not one of UNKNOWN, TRUE_POSITIVE, FALSE_POSITIVE, BENIGN_POSITIVE"#
        )
        #expect(
            problems(baseDraft { $0.severityLabel = "SEVERE" })
                == #"Severity.Label: "SEVERE" is not one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL"#)
    }

    @Test func severityProductMustBeFinite() {
        #expect(problems(baseDraft { $0.severityProduct = 8.5 }) == nil)
        #expect(problems(baseDraft { $0.severityProduct = .infinity }) == "Severity.Product: must be a finite number")
        #expect(problems(baseDraft { $0.severityProduct = .nan }) == "Severity.Product: must be a finite number")
    }

    @Test(arguments: [(50, true), (51, false), (1, true), (0, false)])
    func typesCount(count: Int, valid: Bool) {
        let draft = baseDraft { $0.types = Array(repeating: "TTPs/Discovery/Recon:EC2-Portscan", count: count) }
        #expect((problems(draft) == nil) == valid)
    }

    @Test(arguments: [
        ("Software and Configuration Checks/Vulnerabilities/CVE", true),
        ("Effects/Data Exposure/AWS-Foundational-Security-Best-Practices", true),
        ("Unusual Behaviors", true), ("Sensitive Data Identifications/PII", true),
        ("TTPs/Discovery/Recon:EC2/Portscan", true),  // the classifier may hold a slash
        ("Software and configuration checks", false), ("Malware/Trojan", false), ("TTPs/", false),
        ("TTPs//x", false), ("", false),
    ])
    func typeNamespaces(type: String, valid: Bool) {
        #expect((problems(baseDraft { $0.types = [type] }) == nil) == valid)
    }

    @Test(arguments: [(128, true), (129, false), (1, true)])
    func userDefinedKeyLength(length: Int, valid: Bool) {
        let draft = baseDraft { $0.userDefinedFields = [UserDefinedField(key: text(length, "k"), value: "v")] }
        #expect((problems(draft) == nil) == valid)
    }

    @Test(arguments: [("ticket-id_1=+@./:", true), ("ticket id", false), ("clé", false), ("a,b", false)])
    func userDefinedKeyCharacters(key: String, valid: Bool) {
        #expect(
            (problems(baseDraft { $0.userDefinedFields = [UserDefinedField(key: key, value: "v")] }) == nil) == valid)
    }

    @Test(arguments: [(1024, true), (1025, false)])
    func userDefinedValueLength(length: Int, valid: Bool) {
        let draft = baseDraft { $0.userDefinedFields = [UserDefinedField(key: "k", value: text(length))] }
        #expect((problems(draft) == nil) == valid)
    }

    @Test(arguments: [(50, true), (51, false)])
    func userDefinedPairs(count: Int, valid: Bool) {
        let fields = (0..<count).map { UserDefinedField(key: "key\($0)", value: "v") }
        #expect((problems(baseDraft { $0.userDefinedFields = fields }) == nil) == valid)
    }

    @Test func userDefinedBlankValueAndDuplicateKey() {
        #expect(
            problems(baseDraft { $0.userDefinedFields = [UserDefinedField(key: "k", value: "  ")] })
                == "UserDefinedFields.k: must contain a non-whitespace character")
        #expect(
            problems(baseDraft { $0.userDefinedFields = [.init(key: "k", value: "a"), .init(key: "k", value: "b")] })
                == "UserDefinedFields.k: is given twice")
    }

    @Test(arguments: [(10, true), (11, false), (1, true), (0, false)])
    func relatedFindingsCount(count: Int, valid: Bool) {
        let related = (0..<count).map { RawIdentifier(id: "f\($0)", productArn: "arn:p") }
        #expect((problems(baseDraft { $0.relatedFindings = related }) == nil) == valid)
    }

    @Test func relatedFindingsNeedBothMembers() {
        let draft = baseDraft { $0.relatedFindings = [RawIdentifier(id: "x", productArn: nil)] }
        #expect(problems(draft) == "RelatedFindings[0].ProductArn: is required")
    }

    @Test func recordWithoutUpdateIsRejected() {
        let message = problems(baseDraft { $0.workflowStatus = nil })
        #expect(message?.hasPrefix("no update member") == true)
    }

    @Test(arguments: [(1, true), (100, true), (101, false), (0, false)])
    func wholeRequestIdentifierCount(count: Int, valid: Bool) {
        var draft = baseDraft()
        draft.isWholeRequest = true
        draft.identifiers = (0..<count).map { RawIdentifier(id: "f\($0)", productArn: "arn:p") }
        let verdicts = draft.validate()
        #expect(verdicts.count == max(count, 1))
        let validCount = verdicts.filter { if case .valid = $0 { true } else { false } }.count
        #expect(validCount == (valid ? count : 0))
    }

    @Test func allIssuesAreReportedTogether() {
        let message = problems(
            baseDraft {
                $0.workflowStatus = "X"; $0.confidence = 101
            })
        #expect(
            message
                == #"Confidence: 101 is out of range 0 to 100; Workflow.Status: "X" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED"#
        )
    }
}
