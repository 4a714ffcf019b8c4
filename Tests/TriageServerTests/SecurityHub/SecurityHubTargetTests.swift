import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `apply --target securityhub` end to end against a real `triage serve` on 127.0.0.1.
@Suite(.serialized) struct SecurityHubTargetTests {
    /// The samples (real-world-shaped decisions with invalid records and unknown findings): the
    /// same outcomes and final store as `--target store`; the dry run plans the same requests
    /// per Region, without credentials.
    @Test func samplesGiveTheStoreTargetsOutcomes() throws {
        let fixture = try WireFixture(findings: 10, decisions: 0)
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        let inputs = ["decisions.ndjson.gz", "decisions.csv"].map { samples.appendingPathComponent($0).path }
        let findings = samples.appendingPathComponent("findings.ndjson.gz").path
        let base = fixture.directory.appendingPathComponent("samples.sqlite").path
        let imported = try CommandRun.triage(["import", findings, "--store", base])
        try #require(imported.status == 0, "\(imported.stderr)")
        let wireStore = fixture.directory.appendingPathComponent("wire.sqlite").path
        let storeStore = fixture.directory.appendingPathComponent("store.sqlite").path
        try FileManager.default.copyItem(atPath: base, toPath: wireStore)
        try FileManager.default.copyItem(atPath: base, toPath: storeStore)

        let storeReport = fixture.directory.appendingPathComponent("store.json").path
        let storeRun = try CommandRun.triage(["apply"] + inputs + ["--store", storeStore, "--report", storeReport])
        #expect(storeRun.status == 1)

        let server = try ServeProcess(store: wireStore)
        let wireReport = fixture.directory.appendingPathComponent("wire.json").path
        let junit = fixture.directory.appendingPathComponent("wire.xml").path
        let wireRun = try fixture.apply(
            against: server, ["--report", wireReport, "--junit", junit], inputs: inputs)
        #expect(wireRun.status == 1, "\(wireRun.stderr)")
        server.stop()

        #expect(try WireFixture.outcomes(wireReport) == WireFixture.outcomes(storeReport))
        #expect(try WireFixture.maskedExport(wireStore) == WireFixture.maskedExport(storeStore))
        let summary = try WireFixture.summary(wireReport)
        let regions = try #require(summary["regions"] as? [String: [String: Int]])
        #expect(regions.count >= 2, "the samples span several Regions")
        #expect(summary["retries"] as? Int == 0 && summary["throttled"] as? Int == 0)
        #expect(regions.values.map { $0["requests"]! }.reduce(0, +) == summary["requests"] as? Int)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"<property name="endpoint" value="http://127.0.0.1:\#(server.port)"/>"#))

        // The dry run: no credentials, nothing sent, the same requests per Region.
        let dryReport = fixture.directory.appendingPathComponent("dry.json").path
        let dry = try CommandRun.run(
            TestPaths.triageBinary,
            ["apply", "--dry-run", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:9"] + inputs + [
                "--report", dryReport,
            ],
            wholeEnvironment: fixture.environment(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]))
        #expect(dry.status == 1, "\(dry.stderr)")
        let drySummary = try WireFixture.summary(dryReport)
        #expect(drySummary["requests"] as? Int == summary["requests"] as? Int)
        #expect(drySummary["regions"] as? [String: [String: Int]] == regions)
    }

    /// Quota on (20/s, burst 30, and the client's `--rate 20 --burst 30` to match) in three Regions
    /// at once, 200 requests of 10 decisions each: never throttled, and each Region at ≥ 95 % of
    /// its quota after the burst (from the server's log). Twice Security Hub's 10/s, with small
    /// batches: the same pacing in 10 s instead of 20, on a fixture of 8,000 findings, not 80,000.
    @Test func sitsAtTheQuotaInEveryRegionWithoutThrottles() throws {
        let quota = 20.0
        let fixture = try WireFixture(findings: 8_000, decisions: 8_000)
        // The synthetic data spans four Regions; keep three.
        let decisions = try String(contentsOfFile: fixture.decisions, encoding: .utf8)
            .split(separator: "\n").filter { !$0.contains("ap-southeast-2") }
        let threeRegions = fixture.directory.appendingPathComponent("three-regions.ndjson").path
        try (decisions.joined(separator: "\n") + "\n").write(toFile: threeRegions, atomically: true, encoding: .utf8)
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(rate: quota, burst: 30), store: try fixture.copyOfStore("wire"))
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--report", report, "--batch-size", "10", "--rate", "\(quota)", "--burst", "30"],
            inputs: [threeRegions])
        server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["failed"] as? Int == 0)
        #expect(summary["throttled"] as? Int == 0)
        let requests = server.requests()
        #expect(requests.filter { $0.status == "429" }.count == 0)
        let byRegion = Dictionary(grouping: requests, by: \.region)
        #expect(byRegion.count == 3)
        for (region, lines) in byRegion {
            let times = lines.map(\.time).sorted()
            try #require(times.count > 150, "\(region): \(times.count) requests")
            // After the burst (the first 40 requests: the burst and the first refills), the
            // steady rate; never above the quota: no 429, checked above.
            let rate = Double(times.count - 1 - 40) / (Double(times.last! - times[40]) / 1000)
            #expect(rate >= 0.95 * quota, "\(region): \(rate) requests/s after the burst")
        }
    }

    /// Every slot of `--concurrency` holds a request on the wire, however few threads the machine
    /// has (no thread waits for an answer): against a server answering after 1 s, 32 requests
    /// are answered at once on this 2-core machine, never more. (Blocking a Dispatch thread per
    /// request gave 13 here: Dispatch adds threads to a blocked pool only slowly.)
    @Test func keepsConcurrencyRequestsOnTheWire() throws {
        let fixture = try WireFixture(findings: 6_400, decisions: 6_400)
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(faults: #"{"latencyMs": 1000}"#), store: try fixture.copyOfStore("wire"))
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--report", report, "--concurrency", "32", "--rate", "1000", "--burst", "1000"])
        server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try WireFixture.summary(report)["processed"] as? Int == 6_400)
        #expect(server.requests().count > 64, "enough requests to fill the slots twice")
        let most = server.mostAtOnce()
        #expect(most >= 28 && most <= 32, "\(most) requests at once with --concurrency 32")
    }

    /// Another client takes 6 requests/s of one account-Region's quota (20/s, burst 30; the
    /// client's `--rate 20 --burst 30`), as 3 of Security Hub's 10: triage adapts, fewer than 1 %
    /// of its 600 requests (10 decisions each) are throttled, and no record fails.
    @Test func sharesAQuotaWithAnotherClient() throws {
        let fixture = try WireFixture(findings: 6_000, decisions: 6_000)
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(rate: 20, burst: 30), store: try fixture.copyOfStore("wire"))
        let other = try OtherClient.start(port: server.port, region: "us-east-1", perSecond: 6, fixture: fixture)
        defer { other.stop() }
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--report", report, "--batch-size", "10", "--rate", "20", "--burst", "30"])
        other.stop()
        server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["failed"] as? Int == 0)
        let regions = try #require(summary["regions"] as? [String: [String: Int]])
        let sent = regions.values.map { $0["requests"]! }.reduce(0, +)
        let throttled = try #require(summary["throttled"] as? Int)
        #expect(Double(throttled) < 0.01 * Double(sent), "\(throttled) of \(sent) requests throttled")
        let otherRequests =
            server.requests().filter { $0.region == "us-east-1" }.count - (regions["us-east-1"]?["requests"] ?? 0)
        #expect(otherRequests > 20, "the other client sent \(otherRequests) requests")
    }

    /// Faults: 5 % InternalException, 4 % dropped connections, 2 % unprocessed findings: every
    /// record ends processed, once, and the store equals the fault-free run's. 200 requests of 25
    /// decisions (the fault injector draws per request, in arrival order, as many numbers as the
    /// request has findings: concurrent requests and resends of a few findings make the draws
    /// differ from run to run). At 1 % dropped (0.95 % once internal errors win), about one run in
    /// seven met no drop at all (0.9905^210); at 4 %, about one in 3,000.
    @Test func losesNothingUnderFaults() throws {
        let fixture = try WireFixture(findings: 5_000, decisions: 5_000)
        let faults = #"{"seed": 11, "internalErrorRate": 0.05, "dropConnectionRate": 0.04, "unprocessedRate": 0.02}"#
        let wireStore = try fixture.copyOfStore("wire")
        let server = try ServeProcess(config: ServeProcess.wireConfig(faults: faults), store: wireStore)
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--report", report, "--batch-size", "25", "--rate", "500", "--burst", "500"])
        server.stop()
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["records"] as? Int == 5_000)
        #expect(summary["processed"] as? Int == 5_000)
        #expect((summary["retries"] as? Int ?? 0) > 0, "no fault was met")
        let statuses = Set(server.requests().map(\.status))
        #expect(statuses.contains("500") && statuses.contains("dropped"), "\(statuses)")
        let reference = try fixture.referenceRun()
        #expect(try WireFixture.outcomes(report) == WireFixture.outcomes(reference.report))
        #expect(try WireFixture.maskedExport(wireStore) == WireFixture.maskedExport(reference.store))
    }

    /// `kill -9` at random moments, then `--resume` until done: the same store and report as one
    /// uninterrupted run. The moments are told by serve's log: each of five runs is killed once
    /// serve has answered 3-12 more of its requests (150 in all: the runs cannot end first).
    @Test func resumesAfterKillsToTheSameEnd() throws {
        let fixture = try WireFixture(findings: 3_000, decisions: 3_000)
        let wireStore = try fixture.copyOfStore("wire")
        let server = try ServeProcess(config: ServeProcess.wireConfig(), store: wireStore)
        defer { server.stop() }
        let report = fixture.directory.appendingPathComponent("report.json").path
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var finished = false
        for round in 0..<20 where !finished {
            let out = fixture.directory.appendingPathComponent("run\(round).out")
            let err = fixture.directory.appendingPathComponent("run\(round).err")
            let answered = server.statuses().count
            let process = try Process.start(
                [
                    "apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(server.port)",
                    fixture.decisions, "--report", report, "--journal", journal, "--resume", "--batch-size", "20",
                    "--rate", "20", "--burst", "2",
                ], stdout: out, stderr: err, environment: fixture.environment())
            if kills < 5 {
                let more = Int.random(in: 3...12, using: &generator)
                let reached = ProcessProbe.waitUntil(interval: 0.02) {
                    server.statuses().count >= answered + more || !process.isRunning
                }
                try #require(reached, "round \(round): serve answered no request")
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    _ = process.waitForExit(seconds: 10)
                    kills += 1
                    continue
                }
            }
            let status = process.waitForExit(seconds: 300)
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            try #require(status == 0, "round \(round): \(String(describing: status)) \(stderr)")
            finished = true
        }
        #expect(finished)
        #expect(kills >= 3, "only \(kills) kills landed before the run ended")
        let reference = try fixture.referenceRun()
        #expect(try WireFixture.outcomes(report) == WireFixture.outcomes(reference.report))
        #expect(try WireFixture.maskedExport(wireStore) == WireFixture.maskedExport(reference.store))
    }

    /// A whole run's debug log, reports and journal never hold the secret key or the session token.
    @Test func neverWritesASecret() throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 2_000)
        let secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY-SECRET"
        let token = "FwoGZXIvYXdzEJr-SESSION-TOKEN-0123456789"
        let credential =
            #"{"accessKeyId": "ASIASECRETTEST", "secretAccessKey": "\#(secret)", "account": "000000000000", "sessionToken": "\#(token)"}"#
        let faults = #"{"seed": 3, "internalErrorRate": 0.1, "dropConnectionRate": 0.05, "unprocessedRate": 0.05}"#
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(faults: faults, extraCredentials: [credential]),
            store: try fixture.copyOfStore("wire"))
        let report = fixture.directory.appendingPathComponent("report.json").path
        let junit = fixture.directory.appendingPathComponent("junit.xml").path
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let run = try fixture.apply(
            against: server, ["--report", report, "--junit", junit, "--journal", journal, "--max-attempts", "2"],
            environment: [
                "AWS_ACCESS_KEY_ID": "ASIASECRETTEST", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token,
                "TRIAGE_LOG_LEVEL": "debug",
            ])
        server.stop()
        // With two tries, a request failing both (a 500 or a dropped connection) stops its Region
        // with exit status 5: that path must not print a secret either.
        #expect([0, 1, 5].contains(run.status), "\(run.stderr)")
        #expect(run.stderr.contains("BatchUpdateFindings"), "the debug log logs requests")
        var texts = [run.stdout, run.stderr, server.log]
        for path in [report, junit, journal] { texts.append(try String(contentsOfFile: path, encoding: .utf8)) }
        for text in texts {
            #expect(!text.contains(secret))
            #expect(!text.contains(token))
            #expect(!text.contains("Signature="))
        }
    }

    /// No credentials anywhere: exit 2 before anything is sent, naming every source tried.
    @Test func refusesToStartWithoutCredentials() throws {
        let fixture = try WireFixture(findings: 10, decisions: 10)
        let server = try ServeProcess(store: try fixture.copyOfStore("wire"))
        let run = try fixture.apply(
            against: server, [], environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
        server.stop()
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("environment"), "\(run.stderr)")
        #expect(server.requests().isEmpty)
    }

    /// Options of the securityhub target are refused with the store, and bad values at once.
    @Test(arguments: [
        ["apply", "--region", "us-east-1", "x.ndjson"],
        ["apply", "--target", "securityhub", "--rate", "0", "x.ndjson"],
        ["apply", "--target", "securityhub", "--max-attempts", "0", "x.ndjson"],
        ["apply", "--target", "securityhub", "--endpoint-url", "127.0.0.1:4510", "x.ndjson"],
        ["apply", "--target", "securityhub", "--region", "us-east-1/evil", "x.ndjson"],
    ])
    func refusesBadOptions(_ arguments: [String]) throws {
        let run = try CommandRun.triage(arguments)
        #expect(run.status == 2, "\(run.stderr)")
    }
}

/// A second client on one account-Region's quota: a Python process sending one BatchUpdateFindings
/// request every 1/`perSecond` s with boto3 (like another team's job), until stopped.
final class OtherClient {
    private let process: Process

    private init(process: Process) {
        self.process = process
    }

    static func start(port: Int, region: String, perSecond: Double, fixture: WireFixture) throws -> OtherClient {
        let script = """
            import time, boto3, botocore.config
            c = boto3.client("securityhub", region_name="\(region)", endpoint_url="http://127.0.0.1:\(port)",
                config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 1}))
            step = 1.0 / \(perSecond)
            nxt = time.monotonic()
            while True:
                try:
                    c.batch_update_findings(FindingIdentifiers=[{"Id": "other-client", "ProductArn":
                        "arn:aws:securityhub:\(region)::product/aws/securityhub"}], Workflow={"Status": "NOTIFIED"})
                except Exception:
                    pass
                nxt += step
                time.sleep(max(0, nxt - time.monotonic()))
            """
        let path = fixture.directory.appendingPathComponent("other_client.py")
        try Data(script.utf8).write(to: path)
        let process = try Process.start(
            ["python3", path.path], stdout: fixture.directory.appendingPathComponent("other.out"),
            stderr: fixture.directory.appendingPathComponent("other.err"),
            executable: URL(fileURLWithPath: "/usr/bin/env"), environment: fixture.environment())
        return OtherClient(process: process)
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            _ = process.waitForExit(seconds: 10)
        }
    }
}
