import Foundation
import Testing
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A run of 60,000 records killed (SIGKILL) at random points and resumed each time, then
/// stopped once with SIGTERM and resumed to the end, leaves the same store and the same report as
/// an uninterrupted run; its journal shows no record applied twice.
///
/// The points are chosen by progress, not by time: each run is stopped once its journal has grown
/// by a random share of an uninterrupted run's journal, so that the stops fall across the whole
/// run on any machine and the run cannot end before the last planned stop.
@Suite(.serialized) struct ResumeTests {
    static func triage(_ arguments: [String], in directory: URL) throws -> CommandRun {
        try CommandRun.triage(arguments, directory: directory)
    }

    /// Starts the binary and returns the running process.
    static func start(_ arguments: [String], in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = TestPaths.triageBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Report entries without the summary: (list, line, Id, code).
    static func entries(_ path: URL) throws -> [String] {
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as! [String: Any]
        var result: [String] = []
        for entry in report["ProcessedFindings"] as! [[String: Any]] {
            result.append("ok \((entry["source"] as! [String: Any])["line"]!) \(entry["Id"]!)")
        }
        for entry in report["UnprocessedFindings"] as! [[String: Any]] {
            let identifier = entry["FindingIdentifier"] as? [String: Any]
            result.append(
                "failed \((entry["source"] as! [String: Any])["line"]!) \(identifier?["Id"] ?? "-") \(entry["ErrorCode"]!)"
            )
        }
        return result
    }

    /// Sends `signal` to `process` once the journal at `path` has grown by `bytes` since `from`
    /// (its size when the process started); true when the process was still running then.
    static func signal(
        _ signal: Int32, _ process: Process, whenJournal path: String, from: Int, hasGrownBy bytes: Int
    ) throws -> Bool {
        let grown = ProcessProbe.waitUntil(seconds: 300) {
            ProcessProbe.size(path) >= from + bytes || !process.isRunning
        }
        try #require(grown, "the journal did not grow by \(bytes) bytes in 300 s")
        guard process.isRunning else { return false }
        kill(process.processIdentifier, signal)
        return true
    }

    static func exported(_ store: String, in directory: URL) throws -> String {
        let run = try triage(["export", "--store", store], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.replacingOccurrences(
            of: #""UpdatedAt":"[^"]*"\}"#, with: #""UpdatedAt":"<now>"}"#, options: .regularExpression)
    }

    @Test func killedAndResumedRunsEqualAnUninterruptedOne() throws {
        let directory = TestPaths.temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: directory) }
        var setup = try Self.triage(
            [
                "generate", "--findings", "6000", "--findings-output", "f.ndjson.gz", "--decisions", "60000",
                "--decisions-output", "d.ndjson.gz", "--repeat-per-mille", "50", "--missing-per-mille", "5",
                "--invalid-per-mille", "2", "--seed", "7",
            ], in: directory)
        #expect(setup.status == 0)
        setup = try Self.triage(["import", "f.ndjson.gz", "--store", "a.sqlite"], in: directory)
        #expect(setup.status == 0, "\(setup.stderr)")
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent("a.sqlite"), to: directory.appendingPathComponent("b.sqlite"))

        // The reference keeps a journal too: its size is the measure of a whole run's progress.
        let reference = try Self.triage(
            ["apply", "d.ndjson.gz", "--store", "b.sqlite", "--report", "rb.json", "--journal", "b.journal"],
            in: directory)
        #expect(reference.status == 1, "\(reference.stderr)")
        let whole = ProcessProbe.size(directory.appendingPathComponent("b.journal").path)
        try #require(whole > 100_000, "the reference journal holds \(whole) bytes")

        let journal = directory.appendingPathComponent("a.journal").path
        let arguments = [
            "apply", "d.ndjson.gz", "--store", "a.sqlite", "--journal", "a.journal", "--resume", "--report", "ra.json",
        ]
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        // Five kills, each after 4-14 % of a whole run's journal: at most 70 % in all, so the
        // runs never end on their own first (a run that did would finish the journal, and a later
        // --resume would start afresh).
        var finished = false
        for _ in 0..<5 where !finished {
            let from = ProcessProbe.size(journal)
            let process = try Self.start(arguments, in: directory)
            let share = Double.random(in: 0.04...0.14, using: &generator)
            if try Self.signal(
                SIGKILL, process, whenJournal: journal, from: from, hasGrownBy: Int(share * Double(whole)))
            {
                kills += 1
            } else {
                finished = true
            }
            process.waitUntilExit()
        }
        #expect(kills >= 5, "the runs finished before they could be killed")

        if !finished {
            // A graceful stop: batches in flight finish, the journal is closed, exit status 3.
            let from = ProcessProbe.size(journal)
            let stopped = try Self.start(arguments, in: directory)
            let share = Double.random(in: 0.02...0.1, using: &generator)
            if try Self.signal(
                SIGTERM, stopped, whenJournal: journal, from: from, hasGrownBy: Int(share * Double(whole)))
            {
                stopped.waitUntilExit()
                #expect(stopped.terminationStatus == 3)
            } else {
                stopped.waitUntilExit()
                finished = true
            }
        }
        if !finished {
            let final = try Self.triage(arguments, in: directory)
            #expect(final.status == 1, "\(final.stderr)")
        }

        #expect(
            try Self.entries(directory.appendingPathComponent("ra.json"))
                == Self.entries(directory.appendingPathComponent("rb.json")))
        #expect(try Self.exported("a.sqlite", in: directory) == Self.exported("b.sqlite", in: directory))

        // No record is in two batch entries, over all the runs the journal holds.
        let runs = try JournalReader.read(path: directory.appendingPathComponent("a.journal").path)
        #expect(runs.count >= kills + 1)
        let applied = runs.flatMap { $0.records.map(\.sequence) }
        #expect(Set(applied).count == applied.count)

        // The journal renders the same report.
        let rendered = try Self.triage(["report", "a.journal", "--report", "rj.json"], in: directory)
        #expect(rendered.status == 1, "\(rendered.stderr)")
        #expect(
            try Self.entries(directory.appendingPathComponent("rj.json"))
                == Self.entries(directory.appendingPathComponent("rb.json")))
    }

    @Test func aFinishedJournalStartsAfreshAndAChangedInputIsRefused() throws {
        let directory = TestPaths.temporaryDirectory("resume-guard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples").path
        #expect(
            try Self.triage(["import", "\(samples)/findings.ndjson.gz", "--store", "s.sqlite"], in: directory).status
                == 0)
        let decisions = directory.appendingPathComponent("tonight.ndjson")
        try FileManager.default.copyItem(
            atPath: "\(samples)/decisions.csv", toPath: directory.appendingPathComponent("tonight.csv").path)
        let arguments = [
            "apply", "tonight.csv", "--store", "s.sqlite", "--journal", "j.journal", "--resume", "--report", "r.json",
        ]

        // Night 1 finishes; night 2 has other decisions under the same name: nothing may be skipped.
        #expect(try Self.triage(arguments, in: directory).status == 1)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("tonight.csv"))
        let lines = (0..<50).map { #"{"Id":"n\#($0)","ProductArn":"p","Confidence":5}"# }
        try (lines.joined(separator: "\n") + "\n").write(to: decisions, atomically: true, encoding: .utf8)
        let night2 = try Self.triage(
            [
                "apply", "tonight.ndjson", "--store", "s.sqlite", "--journal", "j.journal", "--resume", "--report",
                "r.json",
            ], in: directory)
        #expect(night2.status == 1)  // FindingNotFound: the point is that every record was sent
        #expect(night2.stderr.contains("records a run that finished; starting afresh"), "\(night2.stderr)")
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("r.json")))
            as! [String: Any]
        let counts = report["summary"] as! [String: Any]
        #expect(counts["records"] as? Int == 50)
        #expect((counts["errors"] as? [String: Int])?["FindingNotFound"] == 50)
        #expect(try JournalReader.read(path: directory.appendingPathComponent("j.journal").path).count == 1)

        // An interrupted run's journal over inputs that have changed since is refused.
        let writer = try JournalWriter(path: directory.appendingPathComponent("k.journal").path, fresh: true)
        try writer.begin(
            JournalHeader(
                inputs: ["tonight.ndjson"], fingerprints: ["1:2.3"], target: "store:s.sqlite", batchSize: 100,
                startedAt: "x"))
        try writer.close()
        let refused = try Self.triage(
            ["apply", "tonight.ndjson", "--store", "s.sqlite", "--journal", "k.journal", "--resume"], in: directory)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("cannot resume"))
    }
}
