import Foundation
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

/// Reports written gzip-compressed (a path ending in `.gz`) hold exactly the plain report's bytes.
@Suite("gzip reports")
struct GzipReportTests {
    /// Decompresses `path` (one or more gzip members) with the input reader.
    static func decompressed(_ path: String) throws -> [UInt8] {
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2) == Data([0x1F, 0x8B]))
        let source = try InputOpener.open(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// A JSON report of `count` entries (every ninth failed) written to `path`.
    static func writeJSONReport(to path: String, count: Int, gzip: Bool) throws {
        let output = try FileOutput(path: path)
        let writer = try JSONReportWriter(output: output, gzip: gzip)
        var errors = ErrorCounts()
        errors.add(.invalidInput, (count + 8) / 9)
        try writer.begin(
            ReportSummary(
                records: count, processed: count - (count + 8) / 9, failed: (count + 8) / 9, requests: count / 100,
                target: "store:s.sqlite", inputs: ["d.ndjson"], startedAt: "2026-12-07T02:00:00.000Z",
                finishedAt: "2026-12-07T02:01:00.000Z", dryRun: false, errors: errors))
        func entry(_ index: Int) -> RecordOutcome {
            RecordOutcome(
                RecordReference(
                    sequence: index, source: SourceLocation(input: 0, line: index + 1),
                    id: "arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.2/finding/\(index)",
                    productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub"),
                index % 9 == 0 ? .failed(.invalidInput, "Confidence: 101 is out of range 0 to 100") : .processed)
        }
        for index in 0..<count where index % 9 != 0 { try writer.processed(entry(index)) }
        try writer.beginUnprocessed()
        for index in stride(from: 0, to: count, by: 9) { try writer.unprocessed(entry(index)) }
        try writer.finish()
        try output.commit()
    }

    @Test("a gzip JSON report decompresses to the plain report", arguments: [0, 3, 20_000])
    func jsonReport(count: Int) throws {
        let directory = try InputScratchDirectory()
        try Self.writeJSONReport(to: directory.path("report.json"), count: count, gzip: false)
        try Self.writeJSONReport(to: directory.path("report.json.gz"), count: count, gzip: true)
        let plain = try directory.read("report.json")
        #expect(try Self.decompressed(directory.path("report.json.gz")) == plain)
        _ = try JSONSerialization.jsonObject(with: Data(plain))
    }

    @Test("a JUnit report at a .gz path is compressed and, decompressed, the plain report, valid for both schemas")
    func junitReport() throws {
        let directory = try InputScratchDirectory()
        try JUnitWriterTests.writeSampleReport(to: directory.path("junit.xml"))
        try JUnitWriterTests.writeSampleReport(to: directory.path("junit.xml.gz"))
        let plain = try directory.read("junit.xml")
        let unpacked = try Self.decompressed(directory.path("junit.xml.gz"))
        #expect(unpacked == plain)
        let copy = try directory.write("unpacked.xml", unpacked)
        #expect(XMLSchemaValidator.validate(xmlPath: copy, xsdPath: JUnitTestData.windyroad) == [])
        #expect(XMLSchemaValidator.validate(xmlPath: copy, xsdPath: JUnitTestData.jenkins) == [])
    }

    @Test("only a name ending in .gz, never standard output, is compressed")
    func gzipNames() {
        #expect(GzipPath.names("out/report.json.gz"))
        #expect(GzipPath.names("REPORT.JSON.GZ"))
        #expect(!GzipPath.names("report.json"))
        #expect(!GzipPath.names("report.gzip"))
        #expect(!GzipPath.names("-"))
    }
}
