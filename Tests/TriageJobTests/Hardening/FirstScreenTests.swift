import Foundation
import Testing
import TriageTestSupport

/// What a new user sees on stderr: the first failures with file and line, how many more there
/// are, a summary that counts in good English, and `--quiet` to keep only the summary.
@Suite struct FirstScreenTests {
    func write(_ text: String, _ name: String, in directory: URL) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    @Test func theFirstFailuresAreListedWithFileAndLine() throws {
        let directory = TestPaths.temporaryDirectory("first-screen")
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = [#"{"Id":"a","ProductArn":"p","Workflow":{"Status":"RESOLVED"}}"#]
        for index in 0..<12 {
            lines.append(#"{"Id":"b\#(index)","ProductArn":"p","VerificationStat":"TRUE_POSITIVE"}"#)
        }
        lines.append("{not json")
        try write(lines.joined(separator: "\n") + "\n", "mine.ndjson", in: directory)

        let run = try CommandRun.triage(["validate", "mine.ndjson"], directory: directory)
        #expect(run.status == 1)
        let stderr = run.stderr.split(separator: "\n")
        #expect(stderr.first?.hasPrefix("mine.ndjson:2: InvalidInput: VerificationStat: ") == true, "\(run.stderr)")
        #expect(run.stderr.contains("did you mean VerificationState?"), "\(run.stderr)")
        #expect(stderr.filter { $0.hasPrefix("mine.ndjson:") }.count == 10, "\(run.stderr)")
        #expect(stderr.contains("… and 3 more; write them all with --report PATH"), "\(run.stderr)")
        #expect(run.stderr.contains("14 records, 1 processed, 13 failed"), "\(run.stderr)")
        #expect(run.stderr.contains(", 1 request planned"), "\(run.stderr)")

        let quiet = try CommandRun.triage(["validate", "mine.ndjson", "--quiet"], directory: directory)
        #expect(quiet.status == 1)
        #expect(!quiet.stderr.contains("mine.ndjson:"), "\(quiet.stderr)")
        #expect(quiet.stderr.contains("13 failed"))
    }

    @Test func generateSaysWhatItWrote() throws {
        let directory = TestPaths.temporaryDirectory("generate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CommandRun.triage(
            [
                "generate", "--findings", "1", "--findings-output", "f.ndjson", "--decisions", "3",
                "--decisions-output", "d.csv",
            ],
            directory: directory)
        #expect(run.status == 0)
        #expect(run.stderr.contains("1 finding written to f.ndjson"), "\(run.stderr)")
        #expect(run.stderr.contains("3 decisions written to d.csv"), "\(run.stderr)")
    }

    /// A dry run against the store is a rehearsal: real outcomes, what would change, and a store
    /// that does not exist is a set-up error like in a real run.
    @Test func aDryRunRehearsesAgainstTheStore() throws {
        let directory = TestPaths.temporaryDirectory("rehearse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        #expect(
            try CommandRun.triage(
                ["import", samples.appendingPathComponent("findings.ndjson.gz").path, "--store", "s.sqlite"],
                directory: directory
            ).status == 0)
        let store = directory.appendingPathComponent("s.sqlite")
        let before = try Data(contentsOf: store)
        let run = try CommandRun.triage(
            [
                "apply", "--dry-run", samples.appendingPathComponent("decisions.ndjson.gz").path, "--store", "s.sqlite",
                "--report", "r.json",
            ],
            directory: directory)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("FindingNotFound"), "\(run.stderr)")
        #expect(run.stderr.contains("a real run would change:"), "\(run.stderr)")
        #expect(run.stderr.contains("Workflow.Status → SUPPRESSED: "), "\(run.stderr)")
        #expect(try Data(contentsOf: store) == before)
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("r.json")))
            as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        #expect(summary["dryRun"] as? Bool == true)
        #expect((summary["wouldChange"] as? [Any])?.isEmpty == false)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.json.journal").path))

        let missing = try CommandRun.triage(
            [
                "apply", "--dry-run", samples.appendingPathComponent("decisions.ndjson.gz").path, "--store",
                "none.sqlite",
            ],
            directory: directory)
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("no findings store at none.sqlite"), "\(missing.stderr)")
    }
}
