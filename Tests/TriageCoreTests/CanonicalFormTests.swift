import Testing
import TriageCore

@Suite struct CanonicalFormTests {
    @Test func sameEffectSameBytes() {
        let first = validUpdate(
            baseDraft {
                $0.userDefinedFields = [.init(key: "b", value: "2"), .init(key: "a", value: "1")]
                $0.severityLabel = "HIGH"
            })!
        let second = validUpdate(
            baseDraft {
                $0.severityLabel = "HIGH"
                $0.userDefinedFields = [.init(key: "a", value: "1"), .init(key: "b", value: "2")]
            })!
        #expect(first.canonicalJSON == second.canonicalJSON)
        #expect(first == second)
    }

    @Test func membersInApiOrderAndEscaped() {
        let update = FindingUpdate(
            note: NoteUpdate(text: "line1\n\"quoted\" \\ \u{1}", updatedBy: "bot"),
            severity: SeverityUpdate(label: .high, normalized: 70, product: 8.25),
            verificationState: .benignPositive, confidence: 0, criticality: 100, types: ["TTPs/Discovery"],
            userDefinedFields: [.init(key: "z", value: "1"), .init(key: "a", value: "é")], workflowStatus: .suppressed,
            relatedFindings: [FindingIdentifier(id: "i", productArn: "p")])
        let expected =
            #"{"Note":{"Text":"line1\n\"quoted\" \\ \u0001","UpdatedBy":"bot"},"Severity":{"Label":"HIGH","Normalized":70,"Product":8.25},"#
            + #""VerificationState":"BENIGN_POSITIVE","Confidence":0,"Criticality":100,"Types":["TTPs/Discovery"],"#
            + #""UserDefinedFields":{"a":"é","z":"1"},"Workflow":{"Status":"SUPPRESSED"},"RelatedFindings":[{"ProductArn":"p","Id":"i"}]}"#
        #expect(String(decoding: update.canonicalJSON, as: UTF8.self) == expected)
    }

    @Test func differentUpdatesDifferentBytes() {
        let a = FindingUpdate(workflowStatus: .resolved)
        let b = FindingUpdate(workflowStatus: .suppressed)
        #expect(a.canonicalJSON != b.canonicalJSON)
        #expect(FindingUpdate(severity: .init(product: 2)).canonicalJSON == Array(#"{"Severity":{"Product":2}}"#.utf8))
    }
}
