import Foundation
import Synchronization
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

@testable import TriageJob

#if canImport(Glibc)
import Glibc
#endif

/// A target that records what it applied and can ask the job to stop after a number of batches,
/// as a SIGTERM arriving at that moment would.
final class StoppingTarget: ImmediateBatchTarget {
    let name = "recording"
    let defaultConcurrency = 1
    let defaultKeyOrderWindow: Int
    private let stopAfter: Int?
    private let state = Mutex<(batches: Int, sequences: [Int])>((0, []))
    /// Set before the job runs, only read while it runs.
    nonisolated(unsafe) private var job: DecisionJob?

    init(stopAfter: Int?, window: Int) {
        self.stopAfter = stopAfter
        self.defaultKeyOrderWindow = window
    }

    func attach(_ job: DecisionJob) { self.job = job }

    var applied: [Int] { state.withLock { $0.sequences } }

    func apply(_ batch: PlannedBatch) -> [Outcome] {
        let stopNow = state.withLock { state -> Bool in
            state.batches += 1
            state.sequences += batch.members.map(\.sequence)
            return state.batches == stopAfter
        }
        if stopNow { job?.requestStop() }
        return batch.members.map { _ in .processed }
    }
}

/// How a run that stops early ends: interrupted, the records not sent counted as `remaining`,
/// the journal saying so, and `--resume` applying exactly those.
@Suite struct EarlyStopTests {
    static func decisions(_ count: Int) -> String {
        (0..<count).map { #"{"Id":"f\#(($0 * 7919) % count)","ProductArn":"p","Workflow":{"Status":"RESOLVED"}}"# }
            .joined(separator: "\n") + "\n"
    }

    func run(_ directory: URL, target: StoppingTarget, resume: Bool) throws -> RunResult {
        var configuration = RunConfiguration(inputs: [directory.appendingPathComponent("d.ndjson").path])
        configuration.dryRun = false
        configuration.target = target
        configuration.journalPath = directory.appendingPathComponent("j.journal").path
        configuration.reportPath = directory.appendingPathComponent("r.json").path
        configuration.resume = resume
        configuration.temporaryDirectory = directory.path
        let job = DecisionJob(configuration: configuration)
        target.attach(job)
        return try job.run()
    }

    /// The defect: with the input read and its decisions held in the key-order window, a stop
    /// was reported as a normal finish and `--resume` started afresh.
    @Test(arguments: [262_144, 0])
    func aStopAfterTheInputWasReadIsAnInterruption(window: Int) throws {
        let directory = TestPaths.temporaryDirectory("early-stop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let count = 2_000
        try Self.decisions(count).write(
            to: directory.appendingPathComponent("d.ndjson"), atomically: true, encoding: .utf8)

        let first = StoppingTarget(stopAfter: 2, window: window)
        let stopped = try run(directory, target: first, resume: false)
        #expect(stopped.interrupted)
        #expect(stopped.stop == .signal)
        #expect(stopped.records == first.applied.count)
        #expect(stopped.remaining == count - first.applied.count)
        #expect(stopped.remaining > 0)
        let runs = try JournalReader.read(path: directory.appendingPathComponent("j.journal").path)
        #expect(runs.last?.end?.interrupted == true)
        #expect(runs.last?.end?.remaining == stopped.remaining)
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("r.json")))
            as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        #expect(summary["interrupted"] as? Bool == true)
        #expect(summary["remaining"] as? Int == stopped.remaining)

        let second = StoppingTarget(stopAfter: nil, window: window)
        let resumed = try run(directory, target: second, resume: true)
        #expect(!resumed.interrupted)
        #expect(resumed.remaining == 0)
        #expect(resumed.records == count)
        #expect(Set(first.applied).isDisjoint(with: second.applied))
        #expect(Set(first.applied + second.applied) == Set(0..<count))
    }

    /// What a person sees after SIGTERM: how many records were left without an outcome and how
    /// to continue. The decisions come through a FIFO whose writer stays open, so the run is
    /// still reading when it is stopped, with every record read held in the key-order window.
    @Test func sigtermSaysWhatIsLeftAndHowToContinue() throws {
        let directory = TestPaths.temporaryDirectory("sigterm-line")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples/findings.ndjson.gz").path
        #expect(try CommandRun.triage(["import", samples, "--store", "s.sqlite"], directory: directory).status == 0)
        let fifo = directory.appendingPathComponent("d.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try BackgroundTriage(
            ["apply", "d.fifo", "--format", "ndjson", "--store", "s.sqlite", "--report", "r.json"], in: directory)
        let writer = open(fifo, O_WRONLY)
        try #require(writer >= 0)
        defer { close(writer) }
        // Lines are handed on in blocks of 256 KiB: more than a block is written, and a partial
        // write is retried (the pipe holds 64 KiB until the run reads).
        let bytes = Array(Self.decisions(20_000).utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            try #require(written > 0)
            offset += written
        }
        // Stopped once the run has read every byte written (the FIFO holds none) and taken in what
        // it read: it has nothing to do but wait for more.
        let waiting = ProcessProbe.waitUntil {
            ProcessProbe.unreadBytes(writer) == 0 && ProcessProbe.isIdle(run.processIdentifier)
        }
        try #require(waiting, "the run never read what was written: \(run.stderr)")
        kill(run.processIdentifier, SIGTERM)
        let status = run.wait(seconds: 60)
        #expect(status == 3, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("r.json")))
        let summary = (report as! [String: Any])["summary"] as! [String: Any]
        let remaining = try #require(summary["remaining"] as? Int)
        #expect(remaining > 0)
        #expect(summary["records"] as? Int == 0)
        #expect(summary["interrupted"] as? Bool == true)
        #expect(
            run.stderr.contains(
                "interrupted: \(remaining) records read were left without an outcome; "
                    + "run the same command with --resume to continue (journal r.json.journal)"),
            "\(run.stderr)")
    }
}
