import Foundation
import Testing
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// After `kill -9` and `--resume`, the report's `summary.requests` counts every request the killed
/// runs sent, those on the wire at the kill included (issue 22, point 14: 2,401 reported where
/// serve received 2,423). Each request is journaled (`sent`) before it leaves.
///
/// `triage serve` answers each request 2 s after committing it, and the client sends 8 at a time:
/// requests leave in waves, one wave every 2 s. Each run is killed once a wave has left (its
/// batches on the wire, committed by serve, never journaled as done): its 8 requests are journaled
/// `sent` and the client has written them (it sits idle, waiting for the answers), when no request
/// is about to leave; the last `--resume` runs to the end. The runs under test use
/// ``TriageUnderTest/binary``.
@Suite struct KilledRunRequestCountTests {
    @Test func requestsCountWhatKilledRunsSent() throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 2_000, label: "killed-requests")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(faults: #"{"latencyMs": 2000}"#), store: try fixture.copyOfStore("wire"))
        defer { server.stop() }
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let report = fixture.directory.appendingPathComponent("report.json").path
        let arguments = [
            "apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(server.port)",
            fixture.decisions, "--journal", journal, "--resume", "--report", report, "--concurrency", "8",
        ]

        // Two runs killed with a wave on the wire: each after its first wave came back (8 more
        // batches journaled) and the next one left.
        for round in 1...2 {
            let process = try Process.start(
                arguments, stdout: fixture.directory.appendingPathComponent("run\(round).out"),
                stderr: fixture.directory.appendingPathComponent("run\(round).err"),
                executable: TriageUnderTest.binary, environment: fixture.environment())
            let deadline = Date().addingTimeInterval(60)
            while ResumeJournalFile.count("batch", in: journal) < 8 * round && process.isRunning
                && Date() < deadline
            {
                usleep(10_000)
            }
            try #require(process.isRunning, "run \(round) ended before it could be killed")
            // The next wave left as the last answers came back: its requests are journaled `sent`
            // before they leave, then written; serve answers them only 2 s after, and the wave
            // after leaves only when those answers come back.
            // Sent before it: two waves of each earlier run, this run's first. 20 batches in all
            // (500 decisions in each of 4 Regions): the wave is 8 of those not journaled done.
            let wave = min(8, 20 - 8 * round)
            let sent = 16 * (round - 1) + 8 + wave
            let onTheWire = ProcessProbe.waitUntil(seconds: 60) {
                !process.isRunning
                    || (ResumeJournalFile.count("sent", in: journal) >= sent
                        && ProcessProbe.isIdle(process.processIdentifier, over: 0.05))
            }
            try #require(onTheWire && process.isRunning, "run \(round): the next wave never left")
            kill(process.processIdentifier, SIGKILL)
            #expect(process.waitForExit(seconds: 10) == 128 + SIGKILL)
        }

        let last = try CommandRun.run(
            TriageUnderTest.binary, arguments, wholeEnvironment: fixture.environment())
        #expect(last.status == 0, "\(last.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["remaining"] as? Int == 0)
        #expect(summary["processed"] as? Int == 2_000)
        #expect(summary["retries"] as? Int == 0)

        // serve logs each request once it has answered: every request of the killed runs is
        // in the log by now (the last run took longer than serve's latency).
        let received = server.requests().count
        let runs = try JournalReader.read(path: journal)
        #expect(runs.count == 3)
        let journaled = runs.reduce(0) { $0 + $1.batches }
        // The kills left requests on the wire (the test made the case it is about).
        #expect(received > journaled, "no request was on the wire at the kills: \(received) received")
        #expect(
            summary["requests"] as? Int == received,
            "summary.requests \(String(describing: summary["requests"])), serve received \(received)")
    }
}
