import Testing
import TriageCore

@testable import TriageIO

/// Decodes a whole input given as text, in chunks of `chunk` bytes, into records.
func decodeAll(_ text: String, format: DecisionFormat, chunk: Int = 1 << 20, maxLineBytes: Int = 1 << 20) throws
    -> [DecodedRecord]
{
    let bytes = Array(text.utf8)
    var decoder = DecisionDecoder(format: format, maxLineBytes: maxLineBytes)
    var records: [DecodedRecord] = []
    switch format {
    case .csv:
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            try decoder.decode(.bytes(Array(bytes[offset..<end]))) { records.append($0) }
            offset = end
        }
    case .ndjson:
        final class Source: ByteSource {
            var bytes: [UInt8]
            var offset = 0
            let chunk: Int
            init(_ bytes: [UInt8], chunk: Int) { self.bytes = bytes; self.chunk = chunk }
            func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
                let count = min(buffer.count, chunk, bytes.count - offset)
                for index in 0..<count { buffer[index] = bytes[offset + index] }
                offset += count
                return count
            }
        }
        let reader = InputPieceReader(source: Source(bytes, chunk: chunk), format: .ndjson, maxLineBytes: maxLineBytes)
        while let piece = reader.next() { try decoder.decode(piece) { records.append($0) } }
    }
    try decoder.finish { records.append($0) }
    return records
}

/// The verdicts of decoded records, as short strings: `valid L id`, `invalid L message`, `malformed L message`.
func verdicts(_ records: [DecodedRecord], author: String? = nil) -> [String] {
    records.flatMap { record -> [String] in
        switch record {
        case .malformed(let line, let message): return ["malformed \(line) \(message)"]
        case .inputFailed(let line, let message): return ["input \(line) \(message)"]
        case .checked(let checked, let line):
            return checked.map {
                switch $0 {
                case .valid(let identifier, _, _): "valid \(line) \(identifier.id)"
                case .invalid(_, let issues): "invalid \(line) \(ValidationIssue.message(issues))"
                }
            }
        }
    }
}

@Suite struct NDJSONDecisionTests {
    @Test(arguments: [1, 2, 7, 4096, 1 << 20])
    func blankLinesCRLFAndBOMAtEveryChunkSize(chunk: Int) throws {
        let text =
            "\u{FEFF}{\"Id\":\"a\",\"ProductArn\":\"p\",\"Confidence\":0}\r\n\r\n   \n{\"Id\":\"b\",\"ProductArn\":\"p\",\"Criticality\":100}"
        #expect(try verdicts(decodeAll(text, format: .ndjson, chunk: chunk)) == ["valid 1 a", "valid 4 b"])
    }

    @Test func nullMeansNotGivenAndDuplicatesAreRejected() throws {
        let text = """
            {"Id":"a","ProductArn":"p","Confidence":null,"Criticality":5}
            {"Id":"a","ProductArn":"p","Confidence":1,"Confidence":2}
            {"Id":"a","ProductArn":"p","Workflow":{"Status":"NEW","State":"x"}}
            {"Id":"a","ProductArn":"p","Confidence":50.0}
            {"Id":"a","ProductArn":"p","Severity":{"Product":1e400}}
            {"Id":"a","ProductArn":"p","RecordState":"ARCHIVED"}
            """
        #expect(
            try verdicts(decodeAll(text, format: .ndjson)) == [
                "valid 1 a",
                "invalid 2 Confidence: is given twice",
                "invalid 3 Workflow.State: is not a member of Workflow (did you mean Workflow.Status?)",
                "invalid 4 Confidence: 50.0 is not an integer",
                "invalid 5 Severity.Product: 1e400 is not a finite number",
                "invalid 6 RecordState: is not updatable through BatchUpdateFindings",
            ])
    }

    @Test func wholeRequestLinesCountOnePerIdentifier() throws {
        let text =
            #"{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"},{"Id":"","ProductArn":"p"}],"Workflow":{"Status":"RESOLVED"}}"#
        #expect(
            try verdicts(decodeAll(text, format: .ndjson)) == [
                "valid 1 a", "invalid 1 FindingIdentifiers[1].Id: must contain a non-whitespace character",
            ])
    }

    @Test func brokenLinesAreMalformedAndReadingGoesOn() throws {
        let long = String(repeating: "x", count: 2 << 20)
        let text =
            "{\"Id\":\"\(long)\"}\n\"just a string\"\n{\"Id\":\"a\u{0}\"}\n{\"Id\":\"a\",\"ProductArn\":\"p\",\"Confidence\":3}\n"
        var bytes = Array(text.utf8)
        bytes.insert(contentsOf: [0x7B, 0x22, 0xFF, 0x22, 0x7D, 0x0A], at: 0)  // {"\xFF"} invalid UTF-8
        let results = try verdicts(decodeAll(String(decoding: bytes, as: UTF8.self), format: .ndjson))
        #expect(results.count == 5)
        #expect(results[0].hasPrefix("malformed 1 invalid JSON"))
        #expect(results[1] == "malformed 2 line is \(2 << 20 + 9) bytes long; the limit is 1048576 bytes")
        #expect(results[2] == "malformed 3 a record must be a JSON object, not string")
        #expect(results[3].hasPrefix("malformed 4 invalid JSON"))
        #expect(results[4] == "valid 5 a")
    }
}

@Suite struct CSVDecisionTests {
    static let text = """
        id,PRODUCTARN,Workflow.Status,Types,UserDefinedFields.Ticket-ID,Confidence,Note.Text,Note.UpdatedBy,RelatedFindings
        a,p,SUPPRESSED,TTPs/Discovery; Effects/Data Exposure,SEC-1,0,"multi
        line note",bot,"[{""ProductArn"":""p"",""Id"":""b""}]"
        ,,,,,,,,
        b,p,,,,,,,,extra
        c,p,,,,50.5,,,
        d,p,CLOSED,,,,,,

        """

    @Test(arguments: [1, 2, 7, 4096, 1 << 20])
    func rowsDecodeAtEveryChunkSize(chunk: Int) throws {
        #expect(
            try verdicts(decodeAll(Self.text, format: .csv, chunk: chunk)) == [
                "valid 2 a",
                "malformed 5 row has 10 fields; the header has 9",
                #"invalid 6 Confidence: "50.5" is not an integer"#,
                #"invalid 7 Workflow.Status: "CLOSED" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED"#,
            ])
    }

    @Test func cellsBecomeTheUpdate() throws {
        let records = try decodeAll(Self.text, format: .csv)
        guard case .checked(let checked, _) = records[0], case .valid(_, let canonical, _) = checked[0] else {
            Issue.record("first row should be valid")
            return
        }
        let update = canonical.update
        #expect(update.types == ["TTPs/Discovery", "Effects/Data Exposure"])
        #expect(update.userDefinedFields == [UserDefinedField(key: "Ticket-ID", value: "SEC-1")])
        #expect(update.confidence == 0)
        #expect(update.note == NoteUpdate(text: "multi\nline note", updatedBy: "bot"))
        #expect(update.relatedFindings == [FindingIdentifier(id: "b", productArn: "p")])
    }

    @Test(arguments: [
        ("Id,ProductArn,WorkflowStatus", #"unknown column "WorkflowStatus""#),
        ("Id,ProductArn,Confidence,confidence", "given twice"),
        ("ProductArn,Confidence", "no Id column"),
    ])
    func unusableHeadersThrow(header: String, expected: String) {
        do {
            _ = try decodeAll(header + "\na,p,1\n", format: .csv)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
