import Foundation
import Testing
import TriageTestSupport

/// Every script in `jobs/` runs here on small inputs, with the debug binary, so none goes stale.
@Suite(.serialized) struct JobScriptTests {
    func runJob(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> CommandRun {
        try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"),
            [TestPaths.packageRoot.appendingPathComponent("jobs/\(name)").path] + arguments,
            environment: ["TRIAGE_BIN": TestPaths.triageBinary.path].merging(environment) { $1 },
            directory: TestPaths.packageRoot)
    }

    @Test func sampleJobImportsAppliesAndReports() throws {
        let directory = TestPaths.temporaryDirectory("sample")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob("sample-job", environment: ["SAMPLE_OUT": directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("400 imported"))
        #expect(run.stdout.contains("apply exit status 1"))
        let report = try loadReport(directory.appendingPathComponent("report.json"))
        expectCountsAddUp(report)
        #expect(summary(report)["target"] as? String == "store:\(directory.path)/findings.sqlite")
        #expect((summary(report)["errors"] as? [String: Int])?["FindingNotFound"] ?? 0 > 0)
        expectValidJUnit(directory.appendingPathComponent("junit.xml"))
    }

    @Test func benchValidateRunsOnASmallInput() throws {
        let directory = TestPaths.temporaryDirectory("bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob("bench-validate", ["2000"], environment: ["BENCH_DIR": directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("records: 2000"))
        #expect(run.stdout.contains("triage validate:"))
        #expect(run.stdout.contains("python:"))
    }

    @Test func benchApplyRunsOnASmallStore() throws {
        let directory = TestPaths.temporaryDirectory("bench-apply")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob("bench-apply", ["1500", "2000"], environment: ["BENCH_DIR": directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("decisions: 2000, requests sent:"))
        #expect(run.stdout.contains("python sqlite3 script:"))
    }

    @Test func benchServeRunsOnASmallStore() throws {
        let directory = TestPaths.temporaryDirectory("bench-serve")
        defer { try? FileManager.default.removeItem(at: directory) }
        let load = TestPaths.triageBinary.deletingLastPathComponent().appendingPathComponent("TriageLoad")
        let run = try runJob(
            "bench-serve", ["1000", "1"], environment: ["BENCH_DIR": directory.path, "TRIAGE_LOAD_BIN": load.path])
        #expect(run.status == 0, "\(run.stderr)")
        for line in [
            "update connections=1 ", "update connections=16 ", "get-indexed connections=4 ", "get-scan ", "peak RSS",
        ] {
            #expect(run.stdout.contains(line), "\(run.stdout)")
        }
        #expect(!run.stdout.contains("failures=["), "\(run.stdout)")
    }

    @Test func benchWireRunsOnASmallStore() throws {
        let directory = TestPaths.temporaryDirectory("bench-wire")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob("bench-wire", ["1000", "1000", "2"], environment: ["BENCH_DIR": directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        for line in [
            "quotas on:", "quotas off, the server answering at once:", "answering 20 ms later", "triage c=32", "boto3",
        ] {
            #expect(run.stdout.contains(line), "\(run.stdout)")
        }
    }

    /// Point 7 of the fault-outcomes issue, its benchmark: both runs, every untouched Region timed.
    @Test func benchRegionIsolationRunsOnASmallInput() throws {
        let directory = TestPaths.temporaryDirectory("bench-regions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob("bench-region-isolation", ["2000"], environment: ["BENCH_DIR": directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        for line in ["after alone:", "after hammered:"] {
            let found = run.stdout.split(separator: "\n").first { $0.hasPrefix(line) }
            #expect(found?.contains("eu-west-1=") == true && found?.contains("last=") == true, "\(run.stdout)")
        }
    }

    /// Point 7 of the scale-out issue, its benchmark in its smoke mode: 8 members x 2 Regions x 300
    /// findings, the three runs (administrator, --assume-role, 4 shards and the merge) and its checks.
    @Test func benchScaleRunsOnASmallInput() throws {
        let directory = TestPaths.temporaryDirectory("bench-scale")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob(
            "bench-scale",
            environment: ["BENCH_DIR": directory.path, "BENCH_SCALE_FINDINGS": "300", "BENCH_SCALE_ROUNDS": "2"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        for line in [
            "(a) one process, the administrator's credentials", "(b) one process, --assume-role",
            "(c) 4 shards as 4 processes", "final stores: equal",
            "merged report vs (b)'s: entries equal, summary equal",
        ] {
            #expect(run.stdout.contains(line), "\(run.stdout)")
        }
    }

    @Test func simRatePrintsBotocoresFigures() throws {
        let run = try runJob("sim-rate", ["2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("throttled"), "\(run.stdout)")
    }

    /// The nightly job applies the inbox: the files move to done/, the reports to reports/; the
    /// cron and systemd definitions run triage apply --inbox too.
    @Test func nightlyAppliesTheInbox() throws {
        let directory = TestPaths.temporaryDirectory("nightly")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples").path
        let store = directory.appendingPathComponent("findings.sqlite").path
        #expect(try CommandRun.triage(["import", "\(samples)/findings.ndjson.gz", "--store", store]).status == 0)
        let inbox = directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(
            at: inbox.appendingPathComponent("incoming"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: "\(samples)/decisions.ndjson.gz", toPath: inbox.appendingPathComponent("incoming/d.ndjson.gz").path)
        let metrics = directory.appendingPathComponent("triage.prom").path
        let environment = ["TRIAGE_STORE": store, "TRIAGE_INBOX": inbox.path, "TRIAGE_METRICS": metrics]
        let run = try runJob("nightly", ["--junit-cases", "failed"], environment: environment)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("triage exit status 1"))
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("done/d.ndjson.gz").path))
        let reports = try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("reports").path)
        #expect(reports.contains { $0.hasSuffix(".json") } && reports.contains { $0.hasSuffix(".junit.xml") })
        #expect(FileManager.default.fileExists(atPath: metrics))
        // A night with nothing new: exit 0.
        let quiet = try runJob("nightly", [], environment: environment)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.contains("nothing to apply"), "\(quiet.stderr)")
        for definition in ["cron/triage-nightly.cron", "systemd/triage-nightly.service"] {
            let text = try String(
                contentsOf: TestPaths.packageRoot.appendingPathComponent("jobs/\(definition)"), encoding: .utf8)
            #expect(text.contains("apply --inbox"), "\(definition)")
        }
    }

    /// Without a binary anywhere the nightly job says so in one line, instead of `command not
    /// found` followed by paths of reports that were never written.
    @Test func nightlyWithoutABinaryFailsWithOneClearLine() throws {
        let directory = TestPaths.temporaryDirectory("nightly-nobin")
        defer { try? FileManager.default.removeItem(at: directory) }
        let jobs = directory.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: TestPaths.packageRoot.appendingPathComponent("jobs/nightly"), to: jobs.appendingPathComponent("nightly")
        )
        let run = try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"), [jobs.appendingPathComponent("nightly").path, "d.ndjson"],
            environment: ["PATH": "/usr/bin:/bin", "TRIAGE_BIN": ""], directory: directory)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("no triage binary"), "\(run.stderr)")
        #expect(!run.stdout.contains("reports in"))
    }

    @Test func installPutsTheBinaryUnderPrefix() throws {
        let directory = TestPaths.temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try runJob("install", environment: ["PREFIX": directory.path])
        #expect(run.status == 0, "\(run.stderr)")
        let installed = directory.appendingPathComponent("bin/triage")
        #expect(FileManager.default.isExecutableFile(atPath: installed.path))
        #expect(run.stdout.contains("triage 0."), "\(run.stdout)")
    }
}
