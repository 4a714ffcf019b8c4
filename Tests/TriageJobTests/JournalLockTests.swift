import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Two runs never write one journal: the second exits 2 at once naming the holder's PID; a lock
/// left by a killed run never blocks the next. `--resume` without a journal says it starts afresh.
@Suite(.serialized) struct JournalLockTests {
    /// The first run is stopped (SIGSTOP) once it holds the lock, so that it holds it as long as
    /// the test needs whatever the machine's speed; SIGKILL then ends it as a crash would.
    @Test func aSecondRunOnOneJournalIsRefusedNamingTheHolder() throws {
        let directory = TestPaths.temporaryDirectory("journal-lock")
        defer { try? FileManager.default.removeItem(at: directory) }
        let decisions = directory.appendingPathComponent("d.ndjson.gz").path
        let generated = try CommandRun.triage([
            "generate", "--findings", "500", "--findings-output", "/dev/null", "--decisions", "20000",
            "--decisions-output", decisions, "--gzip-level", "1",
        ])
        try #require(generated.status == 0, "\(generated.stderr)")
        let journal = directory.appendingPathComponent("run.journal").path
        // validate keeps no journal: apply --dry-run neither; a real apply needs a store.
        let samples = TestPaths.packageRoot.appendingPathComponent("samples/findings.ndjson.gz").path
        let store = directory.appendingPathComponent("s.sqlite").path
        try #require(try CommandRun.triage(["import", samples, "--store", store]).status == 0)
        let first = try Process.start(
            ["apply", decisions, "--store", store, "--journal", journal, "--batch-size", "1", "--concurrency", "1"],
            stdout: directory.appendingPathComponent("1.out"), stderr: directory.appendingPathComponent("1.err"))
        defer {
            kill(first.processIdentifier, SIGKILL)
            _ = first.waitForExit(seconds: 30)
        }
        // The lock is held once the lock file names its holder (written after flock succeeded).
        let holder = "\(first.processIdentifier)\n"
        let locked = ProcessProbe.waitUntil(seconds: 60) {
            (try? String(contentsOfFile: journal + ".lock", encoding: .utf8)) == holder || !first.isRunning
        }
        try #require(locked && first.isRunning, "the first run did not take the lock")
        kill(first.processIdentifier, SIGSTOP)
        let second = try CommandRun.triage(["apply", decisions, "--store", store, "--journal", journal, "--resume"])
        #expect(second.status == 2, "\(second.stderr)")
        #expect(
            second.stderr.contains(
                "the journal \(journal) is in use by another triage run (PID \(first.processIdentifier))"),
            "\(second.stderr)")

        // Killed: the kernel drops the lock, the next run resumes.
        kill(first.processIdentifier, SIGKILL)
        _ = first.waitForExit(seconds: 30)
        let third = try CommandRun.triage(["apply", decisions, "--store", store, "--journal", journal, "--resume"])
        #expect(third.status == 1, "\(third.stderr)")  // the findings are not in the store
    }

    /// A journal broken before its last entry (as two runs writing it at once left it) says what to
    /// do, for `--resume` and for `triage report`.
    @Test func aDamagedJournalSaysWhatToDo() throws {
        let directory = TestPaths.temporaryDirectory("journal-damaged")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        let store = directory.appendingPathComponent("s.sqlite").path
        try #require(
            try CommandRun.triage([
                "import", samples.appendingPathComponent("findings.ndjson.gz").path, "--store", store,
            ])
            .status == 0)
        let input = samples.appendingPathComponent("decisions.csv").path
        let journal = directory.appendingPathComponent("run.journal").path
        let first = try CommandRun.triage(["apply", input, "--store", store, "--journal", journal, "--batch-size", "5"])
        try #require(first.status == 1, "\(first.stderr)")
        var lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
        try #require(lines.count > 4)
        lines.removeLast()  // the end entry: the run looks interrupted
        lines.insert("0000beef {\"interleaved\":", at: 2)
        try (lines.joined(separator: "\n") + "\n").write(toFile: journal, atomically: true, encoding: .utf8)
        for arguments in [
            ["apply", input, "--store", store, "--journal", journal, "--resume"], ["report", journal, "--report", "-"],
        ] {
            let run = try CommandRun.triage(arguments)
            #expect(run.status == 2, "\(run.stderr)")
            #expect(run.stderr.contains("line 3 is not a valid journal entry"), "\(run.stderr)")
            #expect(run.stderr.contains("move it aside"), "\(run.stderr)")
        }
    }

    @Test func resumeWithoutAJournalSaysItStartsAfresh() throws {
        let directory = TestPaths.temporaryDirectory("journal-missing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        let store = directory.appendingPathComponent("s.sqlite").path
        try #require(
            try CommandRun.triage([
                "import", samples.appendingPathComponent("findings.ndjson.gz").path, "--store", store,
            ])
            .status == 0)
        let run = try CommandRun.triage([
            "apply", samples.appendingPathComponent("decisions.csv").path, "--store", store, "--journal",
            directory.appendingPathComponent("none.journal").path, "--resume", "--quiet",
        ])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("there is no journal at"), "\(run.stderr)")
        #expect(run.stderr.contains("starting afresh"), "\(run.stderr)")
    }
}
