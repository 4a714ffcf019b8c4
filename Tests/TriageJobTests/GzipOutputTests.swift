import Foundation
import Testing
import TriageIO
import TriageTestSupport

/// `--report`, `--junit` and `--journal` paths ending in `.gz` are written gzip-compressed;
/// `triage report` and `--resume` read a `.gz` journal, whose torn last member is ignored.
@Suite(.serialized) struct GzipOutputTests {
    static let samples = ["samples/decisions.ndjson.gz", "samples/decisions.csv"].map {
        TestPaths.packageRoot.appendingPathComponent($0).path
    }

    /// The bytes of `url`, which must be gzip, decompressed.
    static func gunzip(_ url: URL) throws -> Data {
        let bytes = try Data(contentsOf: url)
        #expect(bytes.prefix(2) == Data([0x1F, 0x8B]), "\(url.lastPathComponent) is not gzip")
        let source = try InputOpener.open(path: url.path)
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return out }
            out.append(contentsOf: chunk[0..<count])
        }
    }

    /// The compressed offsets where the members of the gzip file at `path` end.
    static func memberEnds(_ path: String) throws -> [Int64] {
        let members = GzipMemberSource(wrapping: try FileByteSource(path: path))
        let byte = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        defer { byte.deallocate() }
        var ends: [Int64] = []
        while try members.read(into: byte) > 0 {
            if ends.last != members.completeLength { ends.append(members.completeLength) }
        }
        return ends
    }

    @Test func gzipReportsHoldThePlainReports() throws {
        let directory = TestPaths.temporaryDirectory("gzip-output")
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try CommandRun.triage(
            ["validate"] + Self.samples + ["--report", "r.json", "--junit", "j.xml", "--quiet"], directory: directory)
        #expect(plain.status == 1, "\(plain.stderr)")
        let compressed = try CommandRun.triage(
            ["validate"] + Self.samples + ["--report", "r.json.gz", "--junit", "j.xml.gz", "--quiet"],
            directory: directory)
        #expect(compressed.status == 1, "\(compressed.stderr)")
        #expect(compressed.stderr.contains("report written to r.json.gz"))

        let report = String(decoding: try Self.gunzip(directory.appendingPathComponent("r.json.gz")), as: UTF8.self)
        let expected = try String(contentsOf: directory.appendingPathComponent("r.json"), encoding: .utf8)
        #expect(GoldenReportTests.masked(report) == GoldenReportTests.masked(expected))

        let junit = try Self.gunzip(directory.appendingPathComponent("j.xml.gz"))
        let unpacked = directory.appendingPathComponent("unpacked.xml")
        try junit.write(to: unpacked)
        expectValidJUnit(unpacked)
        let masked = { (text: String) in
            text.replacingOccurrences(of: #"timestamp="[^"]*""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"time="[^"]*""#, with: "", options: .regularExpression)
        }
        let plainJUnit = try String(contentsOf: directory.appendingPathComponent("j.xml"), encoding: .utf8)
        #expect(masked(String(decoding: junit, as: UTF8.self)) == masked(plainJUnit))
    }

    @Test func gzipJournalResumesAfterATornMemberAndRendersReports() throws {
        let directory = TestPaths.temporaryDirectory("gzip-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let findings = TestPaths.packageRoot.appendingPathComponent("samples/findings.ndjson.gz").path
        for store in ["a.sqlite", "b.sqlite"] {
            let imported = try CommandRun.triage(["import", findings, "--store", store], directory: directory)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        // The reference: one uninterrupted run without a journal.
        let reference = try CommandRun.triage(
            ["apply"] + Self.samples + ["--store", "b.sqlite", "--report", "rb.json", "--batch-size", "10", "--quiet"],
            directory: directory)
        #expect(reference.status == 1, "\(reference.stderr)")

        let arguments =
            ["apply"] + Self.samples + [
                "--store", "a.sqlite", "--journal", "a.journal.gz", "--report", "ra.json", "--batch-size", "10",
                "--quiet",
            ]
        let first = try CommandRun.triage(arguments, directory: directory)
        #expect(first.status == 1, "\(first.stderr)")
        let journal = directory.appendingPathComponent("a.journal.gz")
        let plain = String(decoding: try Self.gunzip(journal), as: UTF8.self)
        #expect(plain.contains(#""kind":"run""#) && plain.contains(#""kind":"end""#))
        let ends = try Self.memberEnds(journal.path)
        #expect(ends.count == plain.split(separator: "\n").count, "one member per entry")
        #expect(ends.last == Int64(try Data(contentsOf: journal).count))

        // A crash tore the journal inside its fourth-last entry: the run looks unfinished, and the
        // entries before that member are all a resumed run can trust.
        let cut = Int(ends[ends.count - 5] + (ends[ends.count - 4] - ends[ends.count - 5]) / 2)
        let handle = try FileHandle(forWritingTo: journal)
        try handle.truncate(atOffset: UInt64(cut))
        try handle.close()
        let torn = try JournalReader.read(path: journal.path)
        #expect(torn.count == 1 && !torn[0].ended)

        let resumed = try CommandRun.triage(arguments + ["--resume"], directory: directory)
        #expect(resumed.status == 1, "\(resumed.stderr)")
        #expect(!resumed.stderr.contains("starting afresh"), "\(resumed.stderr)")
        let runs = try JournalReader.read(path: journal.path)
        #expect(runs.count == 2)
        #expect(runs.last?.finished == true)
        #expect(
            try ResumeTests.entries(directory.appendingPathComponent("ra.json"))
                == ResumeTests.entries(directory.appendingPathComponent("rb.json")))
        #expect(try ResumeTests.exported("a.sqlite", in: directory) == ResumeTests.exported("b.sqlite", in: directory))

        // `triage report` renders the same report from the .gz journal.
        let rendered = try CommandRun.triage(["report", "a.journal.gz", "--report", "rr.json"], directory: directory)
        #expect(rendered.status == 1, "\(rendered.stderr)")
        #expect(
            try ResumeTests.entries(directory.appendingPathComponent("rr.json"))
                == ResumeTests.entries(directory.appendingPathComponent("rb.json")))
    }

    @Test func killedRunsWithAGzipJournalEqualAnUninterruptedOne() throws {
        let directory = TestPaths.temporaryDirectory("gzip-journal-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        var setup = try CommandRun.triage(
            [
                "generate", "--findings", "5000", "--findings-output", "f.ndjson.gz", "--decisions", "30000",
                "--decisions-output", "d.ndjson.gz", "--repeat-per-mille", "50", "--missing-per-mille", "5",
                "--invalid-per-mille", "2", "--seed", "11",
            ], directory: directory)
        #expect(setup.status == 0, "\(setup.stderr)")
        for store in ["a.sqlite", "b.sqlite"] {
            setup = try CommandRun.triage(["import", "f.ndjson.gz", "--store", store], directory: directory)
            #expect(setup.status == 0, "\(setup.stderr)")
        }
        // The reference keeps a .gz journal too: its size is the measure of a whole run's progress.
        let reference = try CommandRun.triage(
            [
                "apply", "d.ndjson.gz", "--store", "b.sqlite", "--report", "rb.json", "--batch-size", "20",
                "--journal", "b.journal.gz",
            ],
            directory: directory)
        #expect(reference.status == 1, "\(reference.stderr)")
        let whole = ProcessProbe.size(directory.appendingPathComponent("b.journal.gz").path)
        try #require(whole > 10_000, "the reference journal holds \(whole) bytes")

        let journal = directory.appendingPathComponent("a.journal.gz").path
        let arguments = [
            "apply", "d.ndjson.gz", "--store", "a.sqlite", "--journal", "a.journal.gz", "--resume", "--report",
            "ra.json", "--batch-size", "20",
        ]
        // Three kills, each once the journal grew by 5-25 % of a whole run's (see ResumeTests).
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var finished = false
        for _ in 0..<3 where !finished {
            let from = ProcessProbe.size(journal)
            let process = try ResumeTests.start(arguments, in: directory)
            let share = Double.random(in: 0.05...0.25, using: &generator)
            if try ResumeTests.signal(
                SIGKILL, process, whenJournal: journal, from: from, hasGrownBy: Int(share * Double(whole)))
            {
                kills += 1
            }
            process.waitUntilExit()
            finished = process.terminationReason == .exit
        }
        #expect(kills == 3, "the runs finished before they could be killed")
        let last = try CommandRun.triage(arguments, directory: directory)
        #expect([0, 1].contains(last.status), "\(last.stderr)")
        #expect(
            try ResumeTests.entries(directory.appendingPathComponent("ra.json"))
                == ResumeTests.entries(directory.appendingPathComponent("rb.json")))
        #expect(try ResumeTests.exported("a.sqlite", in: directory) == ResumeTests.exported("b.sqlite", in: directory))
        // No record applied twice: each batch entry's sequence numbers appear once in the journal.
        var seen = Set<Int>()
        var twice = 0
        for run in try JournalReader.read(path: directory.appendingPathComponent("a.journal.gz").path) {
            for record in run.records where !seen.insert(record.sequence).inserted { twice += 1 }
        }
        #expect(twice == 0)
    }
}
