import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `s3://` outputs (`--report`, `--junit`, `--journal`, `--metrics`) and `--resume` with S3,
/// against moto's S3 server (slow tier: it starts python).
@Suite(.serialized) struct S3OutputTests {
    /// Every output goes to S3, byte for byte what a local run writes (but for times); a report
    /// above the multipart threshold (20 KB here, through `TRIAGE_S3_MULTIPART_THRESHOLD`) is a
    /// multipart upload (its ETag ends in `-PARTS`), and no upload is left unfinished.
    @Test func outputsAreUploadedWhole() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        let input = S3RunFixture.samples.appendingPathComponent("decisions.ndjson.gz").path
        let remote = try fixture.s3.triage(
            [
                "apply", input, "--store", try fixture.store("remote.sqlite"), "--report",
                "s3://outputs/run/report.json",
                "--junit", "s3://outputs/run/junit.xml.gz", "--journal", "s3://outputs/run/run.journal",
                "--metrics", "s3://outputs/run/triage.prom",
            ], environment: ["TRIAGE_S3_MULTIPART_THRESHOLD": "20000", "TRIAGE_S3_PART_BYTES": "10000"])
        let local = try fixture.s3.triage(
            [
                "apply", input, "--store", try fixture.store("local.sqlite"), "--report", "report.json", "--junit",
                "junit.xml.gz", "--journal", "run.journal", "--metrics", "triage.prom",
            ])
        #expect(remote.status == 1, "\(remote.stderr)")
        #expect(local.status == 1)
        #expect(remote.stderr.contains("report written to s3://outputs/run/report.json"))
        let report = try #require(try fixture.s3.get(bucket: "outputs", key: "run/report.json"))
        #expect(
            try S3RunFixture.comparable(report)
                == S3RunFixture.comparable(Data(contentsOf: fixture.file("report.json"))))
        let reportTag = try fixture.s3.entityTag(bucket: "outputs", key: "run/report.json")
        let parts = (report.count + 9999) / 10000
        #expect(reportTag.hasSuffix("-\(parts)\""), "ETag \(reportTag) of a \(report.count)-byte report")
        let junit = try #require(try fixture.s3.get(bucket: "outputs", key: "run/junit.xml.gz"))
        #expect(junit.prefix(2) == Data([0x1F, 0x8B]))
        let journal = try #require(try fixture.s3.get(bucket: "outputs", key: "run/run.journal"))
        let journalText = String(decoding: journal, as: UTF8.self)
        #expect(journalText.contains(#""kind":"end""#))
        #expect(
            journalText.components(separatedBy: #"{"kind":"batch""#).count == ResumeJournalFile.count(
                "batch", in: fixture.file("run.journal").path) + 1)
        let metrics = try #require(try fixture.s3.get(bucket: "outputs", key: "run/triage.prom"))
        #expect(String(decoding: metrics, as: UTF8.self).contains("triage_"))
        #expect(
            try fixture.s3.python("print(len(s3.list_multipart_uploads(Bucket='outputs').get('Uploads', [])))") == "0\n"
        )
        // Nothing staged is left in the run's temporary directory.
        #expect(TestEntries.staged(in: fixture.file("tmp")).isEmpty)
    }

    /// An output to a bucket that does not exist is refused before anything is applied: exit
    /// status 2, the URL and S3's code in the message, the store untouched.
    @Test func anOutputToAMissingBucketIsRefusedFirst() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        let store = try fixture.store("findings.sqlite")
        let before = try Data(contentsOf: fixture.file(store))
        let run = try fixture.s3.triage(
            [
                "apply", S3RunFixture.samples.appendingPathComponent("decisions.csv").path, "--store", store,
                "--report", "s3://no-such-bucket/report.json",
            ])
        #expect(run.status == 2)
        #expect(
            run.stderr.contains("s3://no-such-bucket/report.json: S3 answered NoSuchBucket (HTTP 404)"), "\(run.stderr)"
        )
        #expect(try Data(contentsOf: fixture.file(store)) == before)
    }

    /// An upload that fails once decisions were applied (the bucket went away during the run) is
    /// an unwritable output: exit status 4, the message names the URL and S3's code. The input is
    /// a FIFO, so that the bucket is removed while the run is known to be between its check and
    /// its end: after a batch is journaled, before the input ends.
    @Test func anUploadThatFailsAfterApplyingExitsFour() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        try fixture.s3.createBucket("vanishing")
        // The samples' decisions 20 times (2.5 MB): more than the reader's first blocks, so batches
        // are applied and journaled while the FIFO stays open.
        let decisions = try Data(contentsOf: fixture.plainDecisions())
        let fifo = fixture.file("decisions.fifo").path
        try ScratchFileSystem.makeFIFO(fifo)
        let journal = fixture.file("run.journal").path
        let stderr = fixture.file("stderr")
        let process = try Process.start(
            [
                "apply", fifo, "--format", "ndjson", "--store", try fixture.store("findings.sqlite"), "--sort-window",
                "0",
                "--journal", journal, "--report", "s3://vanishing/report.json",
            ], stdout: fixture.file("stdout"), stderr: stderr, directory: fixture.s3.directory,
            environment: fixture.s3.environment())
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let writer = open(fifo, O_WRONLY)
        #expect(writer >= 0)
        for _ in 0..<20 {
            decisions.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(writer, bytes.baseAddress! + offset, bytes.count - offset)
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
        let deadline = Date().addingTimeInterval(60)
        while ResumeJournalFile.count("batch", in: journal) == 0 && Date() < deadline { usleep(20_000) }
        #expect(ResumeJournalFile.count("batch", in: journal) > 0)
        try fixture.s3.python("s3.delete_bucket(Bucket='vanishing')")
        close(writer)
        let status = process.waitForExit(seconds: 60)
        let message = String(decoding: ResumeJournalFile.bytes(stderr.path), as: UTF8.self)
        #expect(status == 4, "\(message)")
        #expect(
            message.contains("s3://vanishing/report.json: upload failed: S3 answered NoSuchBucket (HTTP 404)"),
            "\(message)")
    }

    /// `--resume` with an `s3://` journal over an `s3://` input: refused (exit 2, naming the
    /// object and both ETags) once the object changed; resumed when it is as it was.
    @Test func resumeRefusesAChangedObject() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        let csv = S3RunFixture.samples.appendingPathComponent("decisions.csv")
        let original = try fixture.s3.put(csv, bucket: "inputs", key: "decisions.csv")
        let store = try fixture.store("findings.sqlite")
        let arguments = [
            "apply", "s3://inputs/decisions.csv", "--store", store, "--journal", "s3://outputs/run.journal",
        ]
        // A report that cannot be written leaves the run unfinished (its journal says so): exit 4.
        let first = try fixture.s3.triage(arguments + ["--report", "/dev/full"])
        #expect(first.status == 4, "\(first.stderr)")
        let journal = try #require(try fixture.s3.get(bucket: "outputs", key: "run.journal"))
        // The header's fingerprint of the input is its ETag (JSON-escaped quotes and all).
        let recorded = "etag:" + original.replacingOccurrences(of: "\"", with: "\\\"")
        #expect(String(decoding: journal, as: UTF8.self).contains(recorded))

        let changed = fixture.file("changed.csv")
        try (String(contentsOf: csv, encoding: .utf8) + "\n").write(to: changed, atomically: true, encoding: .utf8)
        let changedTag = try fixture.s3.put(changed, bucket: "inputs", key: "decisions.csv")
        let refused = try fixture.s3.triage(arguments + ["--resume", "--report", "again.json"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("cannot resume: s3://outputs/run.journal records an interrupted run"))
        #expect(refused.stderr.contains("s3://inputs/decisions.csv: ETag \(original) then, ETag \(changedTag) now"))

        try fixture.s3.put(csv, bucket: "inputs", key: "decisions.csv")
        let resumed = try fixture.s3.triage(arguments + ["--resume", "--report", "again.json"])
        #expect(resumed.status == 1, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("report written to again.json"))
        let ended = try #require(try fixture.s3.get(bucket: "outputs", key: "run.journal"))
        #expect(String(decoding: ended, as: UTF8.self).components(separatedBy: #"{"kind":"run""#).count == 3)
    }
}

/// The run's staged files (`triage-upload-*`, `triage-journal-*`) in a temporary directory.
enum TestEntries {
    static func staged(in directory: URL) -> [String] {
        ScratchFileSystem.entries(directory).filter {
            $0.hasPrefix("triage-upload-") || $0.hasPrefix("triage-journal-")
        }
    }
}
