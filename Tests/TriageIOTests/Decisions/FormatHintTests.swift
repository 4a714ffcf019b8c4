import Testing
import TriageCore

@testable import TriageIO

/// An input whose first records all fail to parse and that looks like the other format says
/// once which `--format` would read it; no record is added or dropped.
@Suite struct FormatHintTests {
    static let hint = " (this input looks like CSV: try --format csv)"
    static let csv = "Id,ProductArn,Confidence\n" + (0..<8).map { "f\($0),p,\($0)\n" }.joined()

    @Test(arguments: [1, 2, 7, 4096, 1 << 20])
    func csvReadAsNDJSONHintsOnceOnTheFirstFailure(chunk: Int) throws {
        let results = try verdicts(decodeAll(Self.csv, format: .ndjson, chunk: chunk))
        #expect(results.count == 9)
        #expect(
            results[0] == "malformed 1 invalid JSON: byte 1: unexpected character 'I' (expected a value)" + Self.hint)
        #expect(results.dropFirst().allSatisfy { $0.hasPrefix("malformed") && !$0.contains("--format") })
        #expect(results.map { $0.split(separator: " ")[1] } == (1...9).map { Substring("\($0)") })
    }

    @Test func fewerRecordsThanTheWindowStillHint() throws {
        let results = try verdicts(decodeAll("\nId,ProductArn,Workflow.Status\na,p,NEW\n", format: .ndjson))
        #expect(results.count == 2)
        #expect(results[0].hasPrefix("malformed 2 invalid JSON: byte 1") && results[0].hasSuffix(Self.hint))
        #expect(!results[1].contains("--format"))
    }

    @Test func fiveFailuresThenAGoodRecordHint() throws {
        let text =
            "Id,ProductArn,Confidence\n" + (0..<4).map { "f\($0),p,1\n" }.joined()
            + #"{"Id":"a","ProductArn":"p","Confidence":1}"#
        let results = try verdicts(decodeAll(text, format: .ndjson))
        #expect(results.count == 6)
        #expect(results[0].hasSuffix(Self.hint))
        #expect(results[5] == "valid 6 a")
    }

    @Test func aGoodRecordAmongTheFirstFiveMeansNoHint() throws {
        let text = "Id,ProductArn,Confidence\n" + #"{"Id":"a","ProductArn":"p","Confidence":1}"# + "\nf,p,1\n"
        let results = try verdicts(decodeAll(text, format: .ndjson))
        #expect(results.count == 3)
        #expect(results.allSatisfy { !$0.contains("--format") })
        #expect(results[1] == "valid 2 a")
    }

    @Test func textThatIsNotCSVGetsNoHint() throws {
        let results = try verdicts(decodeAll("hello world\nthis is not a decisions file\n", format: .ndjson))
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.hasPrefix("malformed") && !$0.contains("--format") })
    }

    @Test func anInputFailureAfterTheFirstRecordsKeepsTheOrder() throws {
        var decoder = DecisionDecoder(format: .ndjson)
        var records: [DecodedRecord] = []
        let bytes = Array("Id,ProductArn\na,p\n".utf8)
        let block = LineBlock(
            bytes: bytes, lines: [LineSpan(start: 0, end: 13, number: 1), LineSpan(start: 14, end: 17, number: 2)])
        try decoder.decode(.lines(block)) { records.append($0) }
        try decoder.decode(.failed(TriageIOError(.truncatedGzip, "gzip stream is truncated"), lastLine: 2)) {
            records.append($0)
        }
        try decoder.finish { records.append($0) }
        let results = verdicts(records)
        #expect(results.count == 3)
        #expect(results[0].hasPrefix("malformed 1") && results[0].hasSuffix(Self.hint))
        #expect(results[1].hasPrefix("malformed 2") && !results[1].contains("--format"))
        #expect(results[2] == "input 3 gzip stream is truncated after line 2")
    }

    @Test(arguments: [
        #"{"Id":"a","ProductArn":"p","Confidence":1}"#, #"{"Id":"a"}"#, "\u{FEFF}  {\"Id\":\"a\",\"ProductArn\":\"p\"}",
    ])
    func ndjsonReadAsCSVSaysTryFormatNDJSON(line: String) {
        do {
            _ = try decodeAll(line + "\n" + line + "\n", format: .csv)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".hasSuffix("(this input looks like NDJSON: try --format ndjson)"), "\(error)")
        }
    }

    /// A CSV header that merely has an unknown column gets no NDJSON hint.
    @Test func aPlainBadHeaderGetsNoHint() {
        do {
            _ = try decodeAll("Id,ProductArn,Zebra\na,p,1\n", format: .csv)
            Issue.record("accepted")
        } catch {
            #expect(!"\(error)".contains("--format"), "\(error)")
        }
    }
}
