import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Faults on the wire, end to end: the real `triage` binary (`apply --target securityhub`)
/// against a ``MisbehavingServer`` on 127.0.0.1 (an answer trickled a byte at a time, a 200 MB
/// answer, answers that contradict themselves or cannot be read) and against `triage serve`
/// dropping connections after it committed, or answering after the client gave up. Each test
/// covers one point of issue 22 and fails on the code before it (777241b): there a trickled
/// answer held the run for as long as it trickled and ignored SIGTERM, a 200 MB answer was read
/// whole, a contradiction was recorded processed, unknown codes were relabelled, empty 200s were
/// taken as answers, and the messages said "HTTP 502 HTTP 502" and "not JSON".
///
/// Durations are hang detectors, never measurements: each is several times what the run needs.
@Suite(.serialized) struct WireFaultTests {
    // MARK: Point 6: a trickled answer

    /// A `200` whose body comes one byte every 0.5 s, with `Content-Length` and in 1-byte chunks
    /// (both at once, each its own server): the try's deadline (`--connect-timeout` +
    /// `--read-timeout`, 2 + 3 s) cuts each try although a byte arrives well within the read
    /// timeout; after its `--max-attempts 2` tries the Region's lane stops (exit status 5, the
    /// message says the update may be in effect), no record failed, and all of them are left for
    /// `--resume`, which then applies them against a server that answers.
    @Test func aTrickledAnswerEndsTheRun() throws {
        let decisions = try FaultDecisions(["us-east-1": 5])
        let runs = try [false, true].map { chunked in
            let server = try MisbehavingServer { _, _ in .trickle(bytes: 100_000, chunked: chunked, interval: 0.5) }
            let files = decisions.runFiles(chunked ? "chunked" : "length")
            let process = try decisions.start(
                port: server.port,
                files.arguments + ["--read-timeout", "3", "--connect-timeout", "2", "--max-attempts", "2"],
                files: files)
            return (server: server, files: files, process: process)
        }
        defer { for run in runs { run.server.stop() } }
        for run in runs {
            // Two tries of at most 5 s each and a backoff of at most 1 s: 60 s is a hang.
            let status = run.process.waitForExit(seconds: 60)
            let stderr = run.files.stderr
            #expect(status == 5, "\(String(describing: status)) (nil: still running after 60 s): \(stderr)")
            #expect(stderr.contains("RequestTimeout: no complete answer within 5 s"), "\(stderr)")
            #expect(stderr.contains("may be in effect"), "\(stderr)")
            let report = try FaultReport(run.files.report)
            #expect(report.summary["failed"] as? Int == 0)
            #expect(report.summary["processed"] as? Int == 0)
            #expect(report.summary["records"] as? Int == 0)
            #expect(report.summary["remaining"] as? Int == 5)
            #expect(report.summary["interrupted"] as? Bool == true)
            #expect(report.processed.isEmpty && report.unprocessed.isEmpty)
            #expect(try FaultReport.journalBatches(run.files.journal).isEmpty, "a record was decided")
            // Both tries sent the whole batch.
            let requests = run.server.requests()
            #expect(requests.count == 2)
            #expect(Set(requests.map(\.body)).count == 1)
        }
        for run in runs {
            run.server.answer { request, _ in .processedAll(request) }
            let resumed = try decisions.run(port: run.server.port, run.files.arguments + ["--resume"], files: run.files)
            #expect(resumed.status == 0, "\(String(describing: resumed.status)): \(resumed.stderr)")
            let report = try FaultReport(run.files.report)
            #expect(report.summary["processed"] as? Int == 5)
            #expect(report.summary["remaining"] as? Int == 0)
            let sentAgain = run.server.requests().dropFirst(2)
            #expect(Set(sentAgain.flatMap { $0.findingIdentifiers.map(\.id) }) == decisions.ids)
        }
    }

    /// SIGTERM while an answer trickles (its try's deadline, 10 + 30 s, far away): the stop's grace
    /// period (``LaneDispatcher.stopGraceMilliseconds``, 10 s) passes, the request is cut off, and
    /// the run ends with exit status 3, its report written and the records left for `--resume`.
    @Test func aStopCutsOffATrickledAnswer() throws {
        let decisions = try FaultDecisions(["us-east-1": 5])
        let server = try MisbehavingServer { _, _ in .trickle(bytes: 100_000, chunked: false, interval: 0.5) }
        defer { server.stop() }
        let files = decisions.runFiles("stopped")
        let process = try decisions.start(
            port: server.port, files.arguments + ["--read-timeout", "30", "--max-attempts", "2"], files: files)
        // The answer is trickling: its head and two bytes of its body have been sent.
        try #require(waitFor(seconds: 30) { server.trickledBytes() >= 2 }, "no answer trickled: \(files.stderr)")
        try #require(process.isRunning, "the run ended before the stop: \(files.stderr)")
        kill(process.processIdentifier, SIGTERM)
        // The grace period is 10 s; 30 s is a hang.
        let status = process.waitForExit(seconds: 30)
        #expect(status == 3, "\(String(describing: status)) (nil: still running 30 s after SIGTERM): \(files.stderr)")
        let report = try FaultReport(files.report)
        #expect(report.summary["interrupted"] as? Bool == true)
        #expect(report.summary["failed"] as? Int == 0)
        #expect(report.summary["remaining"] as? Int == 5)
        #expect(server.requests().count == 1, "a request was sent after the stop")
    }

    // MARK: Point 8: an answer larger than any real one

    /// A `200` of 200 MB (`Content-Length` set, streamed as fast as the client reads): reading stops
    /// at the size limit (8 MiB) and the try fails as an unreadable answer; after 2 tries the lane
    /// stops (exit status 5). The client's peak resident memory (its `VmHWM`, polled while it
    /// runs) stays far below one such answer.
    @Test func anAnswerAboveTheLimitIsAFailedTry() throws {
        let decisions = try FaultDecisions(["us-east-1": 5])
        let server = try MisbehavingServer { _, _ in .stream(bytes: 200_000_000) }
        defer { server.stop() }
        let files = decisions.runFiles("huge")
        let run = try SpawnedRun(
            decisions.arguments(port: server.port, files.arguments + ["--max-attempts", "2"]),
            environment: decisions.environment, stdout: files.stdoutPath, stderr: files.stderrPath, seconds: 60)
        let stderr = files.stderr
        #expect(run.status == 5, "\(String(describing: run.status)) (nil: still running after 60 s): \(stderr)")
        #expect(stderr.contains("larger than 8 MiB"), "\(stderr)")
        #expect(stderr.contains("may be in effect"), "\(stderr)")
        #expect(server.requests().count == 2)
        let report = try FaultReport(files.report)
        #expect(report.summary["failed"] as? Int == 0)
        #expect(report.summary["remaining"] as? Int == 5)
        // Two answers of 200 MB read whole would be 400 MB; the limit keeps it to tens.
        #expect(run.maxResidentKiB < 120 << 10, "peak resident memory \(run.maxResidentKiB) KiB")
    }

    // MARK: Point 4: a contradictory answer

    /// Every answer names finding A both processed and unprocessed, says nothing of C, and
    /// processes B; D's Region answers 502 (its lane stops: the run does not finish, so the
    /// journal is resumed). A and C are sent again in a new round, then end *unconfirmed*: reported
    /// failed (A with the unprocessed entry's code, C `InternalFailure`), each message saying the
    /// update may be in effect, journaled as unconfirmed; B is processed. `--resume` against a
    /// server that answers sends A, C and D again, never B, and ends with all four processed.
    @Test func aContradictoryAnswerIsUnconfirmedAndSentAgain() throws {
        let decisions = try FaultDecisions(["us-east-1": 3, "eu-west-1": 1])
        let east = decisions.findings["us-east-1"]!
        let (a, b, c) = (east[0], east[1], east[2])
        let d = decisions.findings["eu-west-1"]![0]
        let server = try MisbehavingServer { request, _ in
            let sent = request.findingIdentifiers
            if sent.contains(where: { $0.id == d.id }) { return .badGateway }
            let processed = sent.filter { $0.id != c.id }.map(FaultDecisions.json).joined(separator: ",")
            let unprocessed = sent.filter { $0.id == a.id }.map {
                #"{"FindingIdentifier":\#(FaultDecisions.json($0)),"ErrorCode":"ConcurrentUpdateError","ErrorMessage":"raced"}"#
            }.joined(separator: ",")
            return .json(200, #"{"ProcessedFindings":[\#(processed)],"UnprocessedFindings":[\#(unprocessed)]}"#)
        }
        defer { server.stop() }
        let files = decisions.runFiles("contradiction")
        let run = try decisions.run(port: server.port, files.arguments + ["--max-attempts", "2"], files: files)
        #expect(run.status == 5, "\(String(describing: run.status)): \(run.stderr)")
        let report = try FaultReport(files.report)
        #expect(report.processed == [b.id], "processed: \(report.processed)")
        let entries = Dictionary(uniqueKeysWithValues: report.unprocessed.map { ($0.id, $0) })
        #expect(Set(entries.keys) == [a.id, c.id])
        let unconfirmed = "the update may be in effect; --resume sends it again"
        #expect(entries[a.id]?.code == "ConcurrentUpdateError")
        #expect(entries[a.id]?.message.contains("both processed and unprocessed") == true, "\(entries)")
        #expect(entries[a.id]?.message.hasSuffix(unconfirmed) == true, "\(entries)")
        #expect(entries[c.id]?.code == "InternalFailure")
        #expect(entries[c.id]?.message.hasSuffix(unconfirmed) == true, "\(entries)")
        // Round 1 sent the three, round 2 A and C only (and D's two tries).
        let eastRequests = server.requests().map { Set($0.findingIdentifiers.map(\.id)) }.filter { !$0.contains(d.id) }
        #expect(eastRequests == [[a.id, b.id, c.id], [a.id, c.id]])
        // The journal marks A and C unconfirmed (an eighth field, 1), B processed.
        let journaled = try FaultReport.journalBatches(files.journal).flatMap { $0 }
        let byId = Dictionary(uniqueKeysWithValues: journaled.map { ($0[3] as? String ?? "", $0) })
        #expect(byId[a.id]?.count == 8 && byId[a.id]?[7] as? Int == 1, "\(journaled)")
        #expect(byId[c.id]?.count == 8 && byId[c.id]?[7] as? Int == 1, "\(journaled)")
        #expect(byId[b.id]?.count == 7 && byId[b.id]?[5] is NSNull, "\(journaled)")

        let before = server.requests().count
        server.answer { request, _ in .processedAll(request) }
        let resumed = try decisions.run(port: server.port, files.arguments + ["--resume"], files: files)
        #expect(resumed.status == 0, "\(String(describing: resumed.status)): \(resumed.stderr)")
        let sentAgain = server.requests().dropFirst(before).flatMap { $0.findingIdentifiers.map(\.id) }
        #expect(sentAgain.sorted() == [a.id, c.id, d.id].sorted())
        let final = try FaultReport(files.report)
        #expect(Set(final.processed) == decisions.ids)
        #expect(final.unprocessed.isEmpty)
    }

    // MARK: Point 5: codes verbatim, unreadable 200s retried, messages

    /// A per-finding code triage does not know is reported as the service wrote it, with its
    /// message, and is final (one request).
    @Test func anUnknownFindingCodeIsKeptVerbatim() throws {
        let decisions = try FaultDecisions(["us-east-1": 2])
        let server = try MisbehavingServer { request, _ in
            let unprocessed = request.findingIdentifiers.map {
                #"{"FindingIdentifier":\#(FaultDecisions.json($0)),"ErrorCode":"SomeNewCode","ErrorMessage":"a code from the future"}"#
            }.joined(separator: ",")
            return .json(200, #"{"ProcessedFindings":[],"UnprocessedFindings":[\#(unprocessed)]}"#)
        }
        defer { server.stop() }
        let files = decisions.runFiles("unknown-code")
        let run = try decisions.run(port: server.port, files.arguments, files: files)
        #expect(run.status == 1, "\(String(describing: run.status)): \(run.stderr)")
        let report = try FaultReport(files.report)
        #expect(report.unprocessed.count == 2)
        for entry in report.unprocessed {
            #expect(entry.code == "SomeNewCode")
            #expect(entry.message == "a code from the future")
        }
        #expect(report.summary["errors"] as? [String: Int] == ["SomeNewCode": 2])
        #expect(server.requests().count == 1)
    }

    /// A `200` whose body is no answer (empty, `{}`, null lists, JSON of another shape, not JSON)
    /// is a failed try: sent again (`--max-attempts 2`: twice, the same body), then the lane stops
    /// (exit status 5) with no record failed; the message names what was wrong, and calls JSON
    /// "not JSON" only when it is not.
    @Test(arguments: [
        ("", "an empty body"),
        ("{}", "JSON without the ProcessedFindings list"),
        (#"{"ProcessedFindings": null, "UnprocessedFindings": null}"#, "JSON without the ProcessedFindings list"),
        (#"{"ProcessedFindings": [], "UnprocessedFindings": {}}"#, "JSON without the UnprocessedFindings list"),
        ("[1, 2]", "JSON that is not an object"),
        ("<html>OK</html>", "not JSON"),
    ])
    func anUnreadableAnswerIsTriedAgain(body: String, why: String) throws {
        let decisions = try FaultDecisions(["us-east-1": 3])
        let server = try MisbehavingServer { _, _ in .json(200, body) }
        defer { server.stop() }
        let files = decisions.runFiles("unreadable")
        let run = try decisions.run(port: server.port, files.arguments + ["--max-attempts", "2"], files: files)
        #expect(run.status == 5, "\(String(describing: run.status)): \(run.stderr)")
        #expect(run.stderr.contains("could not be read (HTTP 200: \(why))"), "\(run.stderr)")
        if why != "not JSON" { #expect(!run.stderr.contains("not JSON"), "\(run.stderr)") }
        let requests = server.requests()
        #expect(requests.count == 2)
        #expect(Set(requests.map(\.body)).count == 1)
        let report = try FaultReport(files.report)
        #expect(report.summary["failed"] as? Int == 0)
        #expect(report.summary["remaining"] as? Int == 3)
    }

    /// A 502 with an HTML body (a proxy's page): named "HTTP 502" once, without the page.
    @Test func aBadGatewayIsNamedOnce() throws {
        let decisions = try FaultDecisions(["us-east-1": 2])
        let server = try MisbehavingServer { _, _ in .badGateway }
        defer { server.stop() }
        let files = decisions.runFiles("bad-gateway")
        let run = try decisions.run(port: server.port, files.arguments + ["--max-attempts", "2"], files: files)
        #expect(run.status == 5, "\(String(describing: run.status)): \(run.stderr)")
        #expect(run.stderr.contains("HTTP 502"), "\(run.stderr)")
        #expect(!run.stderr.contains("HTTP 502 HTTP 502"), "\(run.stderr)")
        #expect(!run.stderr.contains("<html"), "\(run.stderr)")
        #expect(server.requests().count == 2)
    }

    // MARK: Point 3: requests committed without an answer

    /// `triage serve` commits requests whose answer the client never gets: every connection
    /// dropped (half of them after the commit), or every answer later than `--read-timeout`. No
    /// record is reported failed (nor processed) although the store changed; the lane stops
    /// (exit status 5) saying the updates may be in effect, and every record is left for
    /// `--resume`, which against a healthy server ends with the outcomes and the store of a
    /// clean run.
    @Test(arguments: [
        (#"{"seed": 22, "dropConnectionRate": 1.0}"#, ["--max-attempts", "2"], "ConnectionError"),
        (#"{"latencyMs": 2500}"#, ["--max-attempts", "2", "--read-timeout", "1"], "RequestTimeout"),
    ])
    func anUnansweredRequestIsNeverAFailure(faults: String, options: [String], code: String) throws {
        let fixture = try WireFixture(findings: 400, decisions: 800)
        let store = try fixture.copyOfStore("wire")
        let report = fixture.directory.appendingPathComponent("report.json").path
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let arguments = ["--report", report, "--journal", journal]
        let faulty = try ServeProcess(config: ServeProcess.wireConfig(faults: faults), store: store)
        let run = try FaultDecisions.run(
            port: faulty.port, [fixture.decisions] + arguments + options, environment: fixture.environment(),
            directory: fixture.directory)
        // Answers still on their way (latency) are committed before the server stops.
        faulty.stop()
        #expect(run.status == 5, "\(String(describing: run.status)): \(run.stderr)")
        #expect(run.stderr.contains(code), "\(run.stderr)")
        #expect(run.stderr.contains("may be in effect: --resume sends them again"), "\(run.stderr)")
        let first = try FaultReport(report)
        #expect(first.summary["failed"] as? Int == 0)
        #expect(first.summary["processed"] as? Int == 0)
        #expect(first.summary["remaining"] as? Int == 800)
        #expect(first.unprocessed.isEmpty, "\(first.unprocessed.prefix(3))")
        // The server did apply some of them.
        #expect(try WireFixture.maskedExport(store) != WireFixture.maskedExport(fixture.pristineStore))

        // The journal names the endpoint: the healthy server listens where the faulty one did.
        let healthy = try ServeProcess(
            config: ServeProcess.wireConfig(), store: store, extraArguments: ["--port", "\(faulty.port)"])
        defer { healthy.stop() }
        let resumed = try FaultDecisions.run(
            port: healthy.port, [fixture.decisions] + arguments + ["--resume"], environment: fixture.environment(),
            directory: fixture.directory)
        #expect(resumed.status == 0 || resumed.status == 1, "\(String(describing: resumed.status)): \(resumed.stderr)")
        let reference = try fixture.referenceRun()
        #expect(try WireFixture.outcomes(report) == WireFixture.outcomes(reference.report))
        #expect(try WireFixture.maskedExport(store) == WireFixture.maskedExport(reference.store))
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    private func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}

extension MisbehavingServer.Answer {
    /// Every finding of the request processed: a well-behaved server.
    static func processedAll(_ request: MisbehavingServer.Request) -> Self {
        let processed = request.findingIdentifiers.map(FaultDecisions.json).joined(separator: ",")
        return .json(200, #"{"ProcessedFindings":[\#(processed)],"UnprocessedFindings":[]}"#)
    }

    /// A proxy's `502`, with an HTML page.
    static let badGateway = Self.fixed(
        status: 502, headers: [("Content-Type", "text/html")],
        body: Array("<html><body><h1>502 Bad Gateway</h1></body></html>\n".utf8))
}

/// A decisions file in a temporary directory: `count` findings per Region, all with the same
/// update, so that each Region's findings are one batch (one request per try).
struct FaultDecisions {
    /// A new temporary directory holding the file and each run's outputs.
    let directory: URL
    /// The decisions file (NDJSON).
    let path: String
    /// The findings, by Region, in file order.
    let findings: [String: [(id: String, productArn: String)]]

    /// Every finding's `Id`.
    var ids: Set<String> { Set(findings.values.flatMap { $0.map(\.id) }) }

    /// Writes `counts[region]` decisions per Region (findings of account 123456789012 with new
    /// random Ids: no server has them, which the misbehaving servers do not care about).
    init(_ counts: [String: Int]) throws {
        directory = TestPaths.temporaryDirectory("triage-wire-fault")
        path = directory.appendingPathComponent("decisions.ndjson").path
        var findings: [String: [(id: String, productArn: String)]] = [:]
        var lines = ""
        for (region, count) in counts.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<count {
                let id =
                    "arn:aws:securityhub:\(region):123456789012:security-control/EC2.8/finding/\(UUID().uuidString.lowercased())"
                let productArn = "arn:aws:securityhub:\(region)::product/aws/securityhub"
                findings[region, default: []].append((id, productArn))
                lines += #"{"Id":"\#(id)","ProductArn":"\#(productArn)","Workflow":{"Status":"NOTIFIED"}}"# + "\n"
            }
        }
        self.findings = findings
        try Data(lines.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A finding identifier as the API writes it.
    static func json(_ identifier: (id: String, productArn: String)) -> String {
        #"{"Id":"\#(identifier.id)","ProductArn":"\#(identifier.productArn)"}"#
    }

    /// An environment that reads no AWS file or metadata service and signs with any key.
    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path, "TMPDIR": directory.path,
            "AWS_CONFIG_FILE": directory.appendingPathComponent("no-aws-config").path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("no-aws-credentials").path,
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "any-secret", "AWS_DEFAULT_REGION": "us-east-1",
        ]
    }

    /// The paths of one run: report, journal, stdout and stderr.
    struct RunFiles {
        let report: String
        let journal: String
        let stdoutPath: String
        let stderrPath: String

        /// `--report` and `--journal`.
        var arguments: [String] { ["--report", report, "--journal", journal] }
        /// What the run wrote on stderr so far.
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    }

    /// The files of a run called `name` in ``directory``.
    func runFiles(_ name: String) -> RunFiles {
        let base = directory.appendingPathComponent(name).path
        return RunFiles(
            report: base + "-report.json", journal: base + ".journal", stdoutPath: base + ".out",
            stderrPath: base + ".err")
    }

    /// `apply --target securityhub` of this file against 127.0.0.1:`port`, then `arguments`.
    func arguments(port: Int, _ arguments: [String]) -> [String] {
        ["apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(port)", path] + arguments
    }

    /// Starts the run (``FaultDecisions/triage``), its output into `files`.
    func start(port: Int, _ arguments: [String], files: RunFiles) throws -> Process {
        try Process.start(
            self.arguments(port: port, arguments), stdout: URL(fileURLWithPath: files.stdoutPath),
            stderr: URL(fileURLWithPath: files.stderrPath), executable: Self.triage, environment: environment)
    }

    /// Runs it to its end (killed after `seconds`: status nil).
    func run(port: Int, _ arguments: [String], files: RunFiles, seconds: Double = 60) throws -> (
        status: Int32?, stderr: String
    ) {
        let process = try start(port: port, arguments, files: files)
        let status = process.waitForExit(seconds: seconds)
        return (status, files.stderr)
    }

    /// Runs `apply --target securityhub` against 127.0.0.1:`port` with `arguments` (the inputs
    /// first) in `environment`, to its end (killed after `seconds`: status nil).
    static func run(
        port: Int, _ arguments: [String], environment: [String: String], directory: URL, seconds: Double = 60
    ) throws -> (status: Int32?, stderr: String) {
        let name = UUID().uuidString
        let out = directory.appendingPathComponent("\(name).out")
        let err = directory.appendingPathComponent("\(name).err")
        let process = try Process.start(
            ["apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(port)"] + arguments, stdout: out,
            stderr: err, executable: triage, environment: environment)
        let status = process.waitForExit(seconds: seconds)
        return (status, (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// The client under test: the `triage` built with the tests, or the one named by
    /// `TRIAGE_UNDER_TEST` (to run these tests against another build, e.g. the code before
    /// issue 22, and see them fail). Servers, set-up and reference runs keep the built binary.
    static let triage: URL = {
        if let other = ProcessInfo.processInfo.environment["TRIAGE_UNDER_TEST"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
        return TestPaths.triageBinary
    }()
}

/// A JSON report as these tests read it.
struct FaultReport {
    /// One `UnprocessedFindings` entry.
    struct Entry: CustomStringConvertible {
        /// `FindingIdentifier.Id`.
        var id: String
        /// `ErrorCode`.
        var code: String
        /// `ErrorMessage`.
        var message: String
        var description: String { "\(code): \(message)" }
    }

    /// The report's `summary`.
    let summary: [String: Any]
    /// `ProcessedFindings`' Ids, in report order.
    let processed: [String]
    /// `UnprocessedFindings`, in report order.
    let unprocessed: [Entry]

    /// Reads the (plain, not gzip) report at `path`.
    init(_ path: String) throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        summary = try #require(object["summary"] as? [String: Any])
        processed = (object["ProcessedFindings"] as? [[String: Any]] ?? []).compactMap { $0["Id"] as? String }
        unprocessed = (object["UnprocessedFindings"] as? [[String: Any]] ?? []).map { entry in
            Entry(
                id: (entry["FindingIdentifier"] as? [String: Any])?["Id"] as? String ?? "",
                code: entry["ErrorCode"] as? String ?? "", message: entry["ErrorMessage"] as? String ?? "")
        }
    }

    /// The `records` of each `batch` entry of a (plain) journal: `[sequence, input, line, id,
    /// productArn, code, message]`, and an eighth field `1` when the outcome is unconfirmed.
    static func journalBatches(_ path: String) throws -> [[[Any]]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            // `<crc32 hex> <JSON>`
            let json = line.drop { $0 != " " }.dropFirst()
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            guard entry["kind"] as? String == "batch" else { return nil }
            return try #require(entry["records"] as? [[Any]])
        }
    }
}

/// A child process spawned and reaped here, watched for its peak resident memory while it runs
/// (Foundation's `Process` reaps its children itself).
struct SpawnedRun {
    /// The exit status (128 + signal), nil when it was still running at the deadline (then killed).
    let status: Int32?
    /// The child's peak resident set (`VmHWM`, polled every 20 ms while it runs), KiB.
    let maxResidentKiB: Int

    /// Runs ``FaultDecisions/triage`` with `arguments` in `environment` (the whole of it), stdin
    /// /dev/null, stdout and stderr into those files; kills it with SIGKILL after `seconds`.
    init(_ arguments: [String], environment: [String: String], stdout: String, stderr: String, seconds: Double) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // SIGINT and SIGTERM at their default disposition, whatever this process does with them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let executable = FaultDecisions.triage.path
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        let deadline = Date().addingTimeInterval(seconds)
        var waitStatus: Int32 = 0
        var usage = rusage()
        var killed = false
        var peak = 0
        while true {
            // The peak of the child's own memory (VmHWM, reset by exec), read while it runs: its
            // `ru_maxrss` would include this process's, which the child shared until its exec
            // (posix_spawn clones the memory map: a test process of 1.6 GB then reads 1.6 GB).
            peak = max(peak, Self.highWaterKiB(pid))
            let reaped = wait4(pid, &waitStatus, killed ? 0 : WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0, errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
            if Date() >= deadline, !killed {
                kill(pid, SIGKILL)
                killed = true
            } else {
                usleep(20_000)
            }
        }
        maxResidentKiB = peak
        let signal = waitStatus & 0x7F
        status = killed ? nil : signal == 0 ? (waitStatus >> 8) & 0xFF : 128 + signal
    }

    /// `VmHWM` of process `pid` (its peak resident set since its exec), KiB; 0 once it has exited.
    static func highWaterKiB(_ pid: pid_t) -> Int {
        // Read with read(2): /proc files have no size, which Foundation's readers go by.
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[..<count]
        }
        guard
            let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first(where: {
                $0.hasPrefix("VmHWM:")
            })
        else { return 0 }
        // `VmHWM:\t    8704 kB`
        return Int(line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
    }
}
