import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Inputs that are not regular files (pipes, FIFOs, `/dev/stdin`, process substitution) are
/// opened once and read once, every byte of them, with the real binary.
@Suite struct PipeInputTests {
    static let recordCount = 2_000

    /// 2,000 valid NDJSON decisions, about 200 KiB: more than the 64 KiB the format check peeks.
    static let ndjson: String =
        (0..<recordCount).map {
            #"{"Id":"finding-\#($0)","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","#
                + #""Confidence":\#($0 % 101),"UserDefinedFields":{"ticket":"SEC-\#($0)"}}"#
        }.joined(separator: "\n") + "\n"

    /// The same decisions as CSV.
    static let csv: String =
        "Id,ProductArn,Confidence,UserDefinedFields.ticket\n"
        + (0..<recordCount).map {
            "finding-\($0),arn:aws:securityhub:us-east-1::product/aws/securityhub,\($0 % 101),SEC-\($0)"
        }
        .joined(separator: "\n") + "\n"

    static func records(_ run: CommandRun) throws -> Int {
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        expectCountsAddUp(report)
        return summary(report)["records"] as! Int
    }

    /// Runs `script` with bash in a scratch directory holding `d.ndjson` and `d.csv`; `$0` is
    /// the `triage` binary.
    static func bash(_ script: String) throws -> CommandRun {
        let directory = TestPaths.temporaryDirectory("pipes")
        defer { try? FileManager.default.removeItem(at: directory) }
        try ndjson.write(to: directory.appendingPathComponent("d.ndjson"), atomically: true, encoding: .utf8)
        try csv.write(to: directory.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        return try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script, TestPaths.triageBinary.path], directory: directory)
    }

    @Test func processSubstitutionIsReadWhole() throws {
        let run = try Self.bash(#""$0" validate <(cat d.ndjson) --report -"#)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.records(run) == Self.recordCount)
    }

    @Test func severalPipesAreEachReadWhole() throws {
        let run = try Self.bash(#""$0" validate <(cat d.ndjson) <(cat d.csv) <(gzip -c d.ndjson) --report -"#)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.records(run) == 3 * Self.recordCount)
    }

    @Test(arguments: [["/dev/stdin"], ["--format", "ndjson", "/dev/stdin"], ["-"]])
    func devStdinPipeIsReadWhole(arguments: [String]) throws {
        let run = try CommandRun.triage(["validate", "--report", "-"] + arguments, stdin: Data(Self.ndjson.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.records(run) == Self.recordCount)
    }

    @Test(arguments: [["--format", "csv", "/dev/stdin"], ["/dev/stdin"], ["--format", "csv", "-"]])
    func csvOnAPipeIsReadWhole(arguments: [String]) throws {
        let run = try CommandRun.triage(["validate", "--report", "-"] + arguments, stdin: Data(Self.csv.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try Self.records(run) == Self.recordCount)
    }

    /// The writer writes everything and goes away; the run must read it all and end by itself.
    @Test func namedFIFOIsReadOnceAndTheRunEnds() throws {
        let directory = TestPaths.temporaryDirectory("fifo")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.ndjson.write(to: directory.appendingPathComponent("d.ndjson"), atomically: true, encoding: .utf8)
        let fifo = directory.appendingPathComponent("decisions.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let report = directory.appendingPathComponent("report.json")
        let run = try BackgroundTriage(["validate", fifo, "--report", report.path], in: directory)
        let writer = try BackgroundTriage(
            ["-c", #"cat d.ndjson > "$0""#, fifo], in: directory, executable: URL(fileURLWithPath: "/bin/sh"))
        let status = run.wait(seconds: 60)
        _ = writer.wait(seconds: 5)
        #expect(status == 0, "status \(status.map(String.init) ?? "none: hung and killed"); \(run.stderr)")
        if status == 0 {
            let parsed = try loadReport(report)
            expectCountsAddUp(parsed)
            #expect(summary(parsed)["records"] as? Int == Self.recordCount)
        }
    }

    /// While `triage` waits in open(2) for a FIFO's first writer, SIGTERM (default disposition)
    /// still ends it: nothing ignores the signal before the handlers of the job are installed.
    @Test func sigtermEndsARunWaitingForAFIFOWriter() throws {
        let directory = TestPaths.temporaryDirectory("fifo-term")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("nobody-writes.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try BackgroundTriage(["validate", fifo], in: directory)
        let waiting = ProcessProbe.waitUntil { ProcessProbe.isOpeningFIFO(run.processIdentifier) }
        try #require(waiting, "the run never waited in open(2) for a writer: \(run.stderr)")
        kill(run.processIdentifier, SIGTERM)
        let status = run.wait(seconds: 20)
        #expect(status == 128 + SIGTERM, "status \(status.map(String.init) ?? "none: hung and killed")")
    }

    /// A writer that stays but stops writing: SIGTERM still ends the run (status 3, interrupted)
    /// instead of waiting for the next byte.
    @Test func sigtermEndsARunWaitingOnAStalledFIFO() throws {
        let directory = TestPaths.temporaryDirectory("fifo-stalled")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.ndjson.write(to: directory.appendingPathComponent("d.ndjson"), atomically: true, encoding: .utf8)
        let fifo = directory.appendingPathComponent("stalled.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try BackgroundTriage(["validate", fifo], in: directory)
        // `exec sleep` keeps the FIFO open in the same process, which the deadline below kills.
        let writer = try BackgroundTriage(
            ["-c", #"exec > "$0"; cat d.ndjson; exec sleep 60"#, fifo], in: directory,
            executable: URL(fileURLWithPath: "/bin/sh"))
        defer { _ = writer.wait(seconds: 0) }
        // The records are read and the run waits for more: the writer has written them all (it
        // runs `sleep` now) and the FIFO holds no byte. A descriptor of this process on the FIFO
        // only asks how many bytes wait in it (non-blocking, never read).
        let probe = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        try #require(probe >= 0)
        defer { close(probe) }
        let drained = ProcessProbe.waitUntil {
            ProcessProbe.command(writer.processIdentifier) == "sleep" && ProcessProbe.unreadBytes(probe) == 0
        }
        try #require(drained, "the run never read what was written: \(run.stderr)")
        kill(run.processIdentifier, SIGTERM)
        let status = run.wait(seconds: 15)
        #expect(status == 3, "status \(status.map(String.init) ?? "none: hung and killed"); \(run.stderr)")
        #expect(run.stderr.contains("interrupted"), "\(run.stderr)")
    }
}
