import Testing
import TriageCore
import TriageIO

/// The journal's bytes do not change with the types that carry its records: a journal written by
/// an earlier build reads to the same records (`--resume` and `triage report` go on with it), and
/// the same entries written now are the same bytes.
@Suite("journal format")
struct JournalFormatTests {
    /// A journal as the build before ``RecordReference`` wrote it (issue 17), entry for entry the
    /// calls in ``write(_:)``: a header with a destination and a non-ASCII input, read failures
    /// without an identity, `sent` entries, processed, failed, unconfirmed and unlisted-code
    /// outcomes (a message with a line feed), a batch written for a group commit, and an end.
    static let earlierBuild = #"""
        b0e18356 {"kind":"run","version":1,"inputs":["a.ndjson","b é.csv"],"fingerprints":["10:1.5",""],"target":"securityhub:http://127.0.0.1:4510","destination":{"kind":"securityhub","endpoint":"http://127.0.0.1:4510","region":"eu-west-1"},"batchSize":2,"startedAt":"2026-12-07T02:00:00.000Z"}
        c1353221 {"kind":"failed","records":[[0,0,1,null,null,"MalformedRecord","line 1: not JSON"],[2,0,3,"f\"2",null,"InvalidInput","Note.Text: empty"]]}
        9855a8fa {"kind":"sent"}
        cb9d1d6a {"kind":"batch","batch":1,"records":[[1,0,2,"f1","arn:p",null,null],[3,1,2,"f3 é","arn:p","FindingNotFound","Finding Not Found"]]}
        9855a8fa {"kind":"sent"}
        44224e28 {"kind":"batch","batch":2,"records":[[4,1,3,"f4","arn:p","ConnectionError","no answer",1],[5,1,5,"f5","arn:q","SomethingNew","odd\nline"]]}
        0f47fb35 {"kind":"end","finishedAt":"2026-12-07T02:01:00.500Z","interrupted":true,"remaining":3,"reported":false,"inputTimes":[[1796608800000,1796608801000],[0,0]]}
        """# + "\n"

    static func reference(_ sequence: Int, _ input: Int, _ line: Int, _ id: String?, _ productArn: String?)
        -> RecordReference
    {
        RecordReference(
            sequence: sequence, source: SourceLocation(input: input, line: line), id: id, productArn: productArn)
    }

    static let header = JournalHeader(
        inputs: ["a.ndjson", "b é.csv"], fingerprints: ["10:1.5", ""], target: "securityhub:http://127.0.0.1:4510",
        destination: .securityHub(endpoint: "http://127.0.0.1:4510/", region: "eu-west-1"), batchSize: 2,
        startedAt: "2026-12-07T02:00:00.000Z")
    static let readFailures = [
        RecordOutcome(reference(0, 0, 1, nil, nil), .failed(.malformedRecord, "line 1: not JSON")),
        RecordOutcome(reference(2, 0, 3, "f\"2", nil), .failed(.invalidInput, "Note.Text: empty")),
    ]
    static let firstBatch = [
        RecordOutcome(reference(1, 0, 2, "f1", "arn:p"), .processed),
        RecordOutcome(reference(3, 1, 2, "f3 é", "arn:p"), .failed(.findingNotFound, "Finding Not Found")),
    ]
    static let secondBatch = [
        RecordOutcome(reference(4, 1, 3, "f4", "arn:p"), .unconfirmed(.connectionError, "no answer")),
        RecordOutcome(reference(5, 1, 5, "f5", "arn:q"), .failed(ErrorCode(verbatim: "SomethingNew"), "odd\nline")),
    ]
    static let end = JournalEnd(
        finishedAt: "2026-12-07T02:01:00.500Z", interrupted: true, remaining: 3, reported: false,
        inputTimes: [
            .init(startedAt: 1_796_608_800_000, finishedAt: 1_796_608_801_000), .init(startedAt: 0, finishedAt: 0),
        ])

    /// Writes the fixture's entries to `path`.
    static func write(_ path: String) throws {
        let writer = try JournalWriter(path: path, fresh: true)
        try writer.begin(header)
        try writer.appendFailed(readFailures)
        try writer.appendSent()
        try writer.appendBatch(1, records: firstBatch)
        try writer.appendSent()
        try writer.appendBatch(2, records: secondBatch, durable: false)
        try writer.syncWritten()
        try writer.end(end)
        try writer.close()
    }

    @Test("the same entries written now are the earlier build's bytes")
    func writesTheEarlierBytes() throws {
        let directory = try InputScratchDirectory()
        try Self.write(directory.path("run.journal"))
        let written = String(decoding: try directory.read("run.journal"), as: UTF8.self)
        #expect(written == Self.earlierBuild)
    }

    @Test("a journal of the earlier build reads to the same header, records and end")
    func readsTheEarlierBytes() throws {
        let directory = try InputScratchDirectory()
        let path = try directory.write("earlier.journal", Array(Self.earlierBuild.utf8))
        let runs = try JournalReader.read(path: path)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.header == Self.header)
        #expect(run.readFailures == Self.readFailures)
        #expect(run.records == Self.firstBatch + Self.secondBatch)
        #expect(run.batches == 2 && run.sent == 2 && run.requests == 2)
        #expect(run.end == Self.end)
        #expect(!run.finished)

        // `--resume` visits the records instead of keeping them: the same, with whether applied.
        var visited: [(RecordOutcome, Bool)] = []
        _ = try JournalReader.read(path: path) { visited.append(($0, $1)) }
        #expect(visited.map(\.0) == Self.readFailures + Self.firstBatch + Self.secondBatch)
        #expect(visited.map(\.1) == [false, false, true, true, true, true])
    }
}
