import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Outputs that cannot be written: checked before anything is applied (exit 2, store
/// untouched); failing after applying is exit status 4 with a way to continue; the journal's
/// `end` entry comes only once the reports are in place.
@Suite(.serialized) struct OutputFailureTests {
    static let samples = TestPaths.packageRoot.appendingPathComponent("samples")

    /// A directory with a store of the sample findings and `count` decisions for them (notes, so
    /// that a re-applied decision shows as a new `UpdatedAt`).
    func prepare(_ name: String, decisions count: Int = 3_000) throws -> URL {
        let directory = TestPaths.temporaryDirectory(name)
        let generated = try CommandRun.triage(
            [
                "generate", "--findings", "\(count)", "--findings-output", "f.ndjson", "--decisions", "\(count)",
                "--decisions-output", "d.ndjson", "--seed", "7", "--invalid-per-mille", "20", "--missing-per-mille",
                "20",
            ], directory: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        let imported = try CommandRun.triage(["import", "f.ndjson", "--store", "s.sqlite"], directory: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        return directory
    }

    func export(_ directory: URL) throws -> String {
        try CommandRun.triage(["export", "--store", "s.sqlite"], directory: directory).stdout
    }

    @Test(arguments: ["--report", "--junit", "--journal"])
    func anOutputPathThatIsADirectoryIsRefusedBeforeApplying(option: String) throws {
        let directory = try prepare("output-dir", decisions: 50)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        let before = try export(directory)
        let run = try CommandRun.triage(
            ["apply", "d.ndjson", "--store", "s.sqlite", option, "out"], directory: directory)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("out: is a directory"), "\(run.stderr)")
        #expect(try export(directory) == before)
    }

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root, as CI has"))
    func aReportThatCannotBeWrittenAfterApplyingIsExit4AndTheRunIsContinued() throws {
        let directory = try prepare("report-full")
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = try ScratchFileSystem.mountTmpfs(kilobytes: 64, in: directory)
        defer { ScratchFileSystem.unmount(disk) }
        let report = disk.appendingPathComponent("r.json").path
        let arguments = [
            "apply", "d.ndjson", "--store", "s.sqlite", "--journal", "j.journal", "--report", report, "--resume",
        ]
        let run = try CommandRun.triage(arguments, directory: directory)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(run.stderr.contains("triage report j.journal"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report))
        let applied = try export(directory)

        // The journal renders the report the run could not write ...
        let rendered = try CommandRun.triage(["report", "j.journal", "--report", "again.json"], directory: directory)
        #expect(rendered.status == 1, "\(rendered.stderr)")
        // ... and --resume applies nothing again (no note re-stamped) and writes the reports.
        let resumed = try CommandRun.triage(
            ["apply", "d.ndjson", "--store", "s.sqlite", "--journal", "j.journal", "--report", "r.json", "--resume"],
            directory: directory)
        #expect(resumed.status == 1, "\(resumed.stderr)")
        #expect(try export(directory) == applied)
        let again = try Data(contentsOf: directory.appendingPathComponent("again.json"))
        let written =
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("r.json")))
            as! [String: Any]
        let first = try JSONSerialization.jsonObject(with: again) as! [String: Any]
        #expect((written["ProcessedFindings"] as! [Any]).count == (first["ProcessedFindings"] as! [Any]).count)
        #expect((written["UnprocessedFindings"] as! [Any]).count == (first["UnprocessedFindings"] as! [Any]).count)
        let summary = written["summary"] as! [String: Any]
        #expect(summary["records"] as? Int == 3_000)
    }

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root, as CI has"))
    func aJournalThatFillsTheDiskStopsTheRun() throws {
        let directory = try prepare("journal-full", decisions: 20_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = try ScratchFileSystem.mountTmpfs(kilobytes: 128, in: directory)
        defer { ScratchFileSystem.unmount(disk) }
        let journal = disk.appendingPathComponent("j.journal").path
        let run = try CommandRun.triage(
            [
                "apply", "d.ndjson", "--store", "s.sqlite", "--journal", journal, "--sort-window", "0", "--report",
                "r.json",
            ],
            directory: directory)
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("the journal could not be written"), "\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("r.json")))
            as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        #expect(summary["interrupted"] as? Bool == true)
        let remaining = try #require(summary["remaining"] as? Int)
        #expect(remaining > 0)
        // Records not read yet are not counted anywhere: --resume reads them.
        #expect((summary["records"] as! Int) + remaining < 20_000)
    }

    /// `triage report JOURNAL` gives the reports the run wrote, byte for byte.
    @Test func aJournalRendersTheRunsReportsByteForByte() throws {
        let directory = try prepare("render-same", decisions: 800)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CommandRun.triage(
            ["apply", "d.ndjson", "--store", "s.sqlite", "--report", "r.json", "--junit", "r.xml"], directory: directory
        )
        #expect(run.status == 1, "\(run.stderr)")
        // Rendered in a later second than the run ended in (the reports' coarsest stamps are whole
        // seconds), so that a stamp taken from the clock instead of the journal would show.
        let ended = Date().timeIntervalSince1970.rounded(.down)
        #expect(ProcessProbe.waitUntil { Date().timeIntervalSince1970.rounded(.down) > ended })
        let rendered = try CommandRun.triage(
            ["report", "r.json.journal", "--report", "again.json", "--junit", "again.xml"], directory: directory)
        #expect(rendered.status == 1, "\(rendered.stderr)")
        for (written, again) in [("r.json", "again.json"), ("r.xml", "again.xml")] {
            let a = try Data(contentsOf: directory.appendingPathComponent(written))
            let b = try Data(contentsOf: directory.appendingPathComponent(again))
            #expect(a == b, "\(written) differs from its rendering")
        }
    }
}
