import Testing
import TriageCore

/// The record reference names a record the same way from a batch member to a report, and stays
/// small: a batch member is held per decision while batches are open, queued or in flight.
@Suite struct RecordReferenceTests {
    @Test("a reference has a finding only when the record named both its Id and its ProductArn")
    func identifierNeedsBoth() {
        let source = SourceLocation(input: 1, line: 7)
        #expect(RecordReference(sequence: 3, source: source).identifier == nil)
        #expect(RecordReference(sequence: 3, source: source, id: "f").identifier == nil)
        #expect(RecordReference(sequence: 3, source: source, productArn: "arn:p").identifier == nil)
        #expect(
            RecordReference(sequence: 3, source: source, id: "f", productArn: "arn:p").identifier
                == FindingIdentifier(id: "f", productArn: "arn:p"))
    }

    @Test("a batch member's reference is the record's: its sequence, source and finding")
    func memberReference() {
        let identifier = FindingIdentifier(id: "f", productArn: "arn:p")
        let member = BatchMember(sequence: 9, identifier: identifier, source: SourceLocation(input: 2, line: 40))
        let reference = member.reference
        #expect(reference == RecordReference(sequence: 9, source: member.source, identifier: identifier))
        #expect(reference.id == "f" && reference.productArn == "arn:p" && reference.identifier == identifier)
        #expect(RecordOutcome(reference, .processed).sequence == 9)
    }

    @Test("a batch member and a reference take nine words each: seven as before references, two for the account")
    func sizes() {
        #expect(MemoryLayout<BatchMember>.stride == 72)
        #expect(MemoryLayout<RecordReference>.stride == 72)
    }
}
