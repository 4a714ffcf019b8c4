import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The target failing the run (exit status 5) and stops of paced runs, end to end against a real
/// `triage serve` on 127.0.0.1: nothing more is sent where it failed, the records not decided are
/// left for `--resume`, and `--resume` with the cause fixed ends as a clean run would.
@Suite(.serialized) struct TargetFailureTests {
    /// A wrong secret: every request is refused (`InvalidSignatureException`). The run stops with
    /// exit status 5 after the first answers, names the error once with what to check (never the
    /// secret), fails no record, and `--resume` with the right secret gives the outcomes and the
    /// store of a clean run.
    @Test func aWrongSecretIsExitFiveAndResumesOnceFixed() throws {
        // 60 requests: more than the 16 that may be on the wire when the first refusal comes back.
        let fixture = try WireFixture(findings: 3_000, decisions: 6_000)
        let wireStore = try fixture.copyOfStore("wire")
        let server = try ServeProcess(config: ServeProcess.wireConfig(), store: wireStore)
        defer { server.stop() }
        let report = fixture.directory.appendingPathComponent("report.json").path
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let secret = "WrongSecret-7f3a9c-DoNotPrint"
        let wrong = try fixture.apply(
            against: server, ["--report", report, "--journal", journal],
            environment: ["AWS_SECRET_ACCESS_KEY": secret])
        #expect(wrong.status == 5, "\(wrong.stderr)")
        let named = wrong.stderr.split(separator: "\n").filter { $0.contains("InvalidSignatureException") }
        #expect(named.count == 1, "\(wrong.stderr)")
        #expect(named.first?.contains("secret access key") == true, "no hint of what to check: \(wrong.stderr)")
        let reportText = try String(contentsOfFile: report, encoding: .utf8)
        #expect(!wrong.stderr.contains(secret) && !reportText.contains(secret))
        #expect(wrong.stderr.contains("--resume"), "\(wrong.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["failed"] as? Int == 0, "refused requests failed records: \(summary)")
        #expect(summary["remaining"] as? Int ?? 0 > 0)
        #expect(summary["interrupted"] as? Bool == true)
        // Only the requests on the wire when the first refusal came back went out (16 at most).
        #expect(server.requests().count <= 16, "\(server.requests().count) requests after a refused credential")

        let fixed = try fixture.apply(against: server, ["--report", report, "--journal", journal, "--resume"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let reference = try fixture.referenceRun()
        #expect(try WireFixture.outcomes(report) == WireFixture.outcomes(reference.report))
        #expect(try WireFixture.maskedExport(wireStore) == WireFixture.maskedExport(reference.store))
    }

    /// A closed port: every try of every request is refused; after its retries the Region's lane
    /// stops with exit status 5 (`ConnectionError`), no record failed, all left for `--resume`.
    @Test func aClosedPortIsExitFive() throws {
        let fixture = try WireFixture(findings: 500, decisions: 2_000)
        let port = try LoopbackPort.unused()
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try CommandRun.run(
            TestPaths.triageBinary,
            [
                "apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(port)", fixture.decisions,
                "--report", report, "--max-attempts", "3",
            ],
            wholeEnvironment: fixture.environment())
        #expect(run.status == 5, "\(run.stderr)")
        #expect(run.stderr.contains("ConnectionError"), "\(run.stderr)")
        #expect(run.stderr.contains("check the endpoint"), "\(run.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["failed"] as? Int == 0)
        #expect(summary["processed"] as? Int == 0)
        #expect(summary["remaining"] as? Int == 2_000)
    }

    /// SIGTERM at many moments of a quota-paced run (the burst on the wire, lanes paced by their
    /// tokens, retries of 500s backing off, per-finding resends), each moment told by serve's log
    /// (the requests it answered so far), not by a time: the run ends with exit status 3 once the
    /// requests on the wire are answered, with its report; `--resume` then ends with every record
    /// decided. The whole run answers about 270 requests, 10 % of them 500s.
    @Test(arguments: [StopPoint.answered(1), .firstError, .answered(100), .answered(200)])
    func aStopEndsAPacedRun(at point: StopPoint) throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 6_000)
        let wireStore = try fixture.copyOfStore("wire")
        let faults = #"{"seed": 5, "internalErrorRate": 0.1, "unprocessedRate": 0.05}"#
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(rate: 10, burst: 30, faults: faults), store: wireStore)
        defer { server.stop() }
        let report = fixture.directory.appendingPathComponent("report.json").path
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let arguments = [
            "apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(server.port)",
            fixture.decisions, "--report", report, "--journal", journal, "--resume", "--rate", "20", "--burst", "40",
        ]
        let out = fixture.directory.appendingPathComponent("run.out")
        let err = fixture.directory.appendingPathComponent("run.err")
        let process = try Process.start(arguments, stdout: out, stderr: err, environment: fixture.environment())
        let reached = ProcessProbe.waitUntil(interval: 0.02) {
            point.isReached(server.statuses()) || !process.isRunning
        }
        try #require(reached && process.isRunning, "the run ended before the stop (\(point))")
        kill(process.processIdentifier, SIGTERM)
        // The requests on the wire are answered within the server's latency: far below this.
        let status = process.waitForExit(seconds: 60)
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(status == 3, "\(String(describing: status)): \(stderr)")
        #expect(FileManager.default.fileExists(atPath: report), "no report after the stop")

        let resumed = try fixture.apply(
            against: server, ["--report", report, "--journal", journal, "--resume"])
        #expect(resumed.status == 0 || resumed.status == 1, "\(String(describing: resumed.status)) \(resumed.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["remaining"] as? Int == 0)
        #expect(summary["records"] as? Int == 6_000)
    }

    /// A moment of a run, as serve's log shows it.
    enum StopPoint: CustomTestStringConvertible, Sendable {
        /// `count` requests answered.
        case answered(Int)
        /// The first request answered with an error (a try to be retried after a backoff).
        case firstError

        /// Whether serve's log, the `statuses` of the requests it answered so far, shows it.
        func isReached(_ statuses: [Substring]) -> Bool {
            switch self {
            case .answered(let count): statuses.count >= count
            case .firstError: statuses.contains { $0 != "200" }
            }
        }

        var testDescription: String {
            switch self {
            case .answered(let count): "after \(count) answers"
            case .firstError: "after the first error"
            }
        }
    }
}
