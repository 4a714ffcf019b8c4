import Foundation
import Testing
import TriageCore
import TriageIO
import TriageJob
import TriageStore
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `--metrics` file as Prometheus's reference Python parser (`prometheus_client`, installed by
/// `jobs/ensure-deps`) reads it.
struct PrometheusFile {
    struct Family: Decodable {
        var name: String
        var type: String
        var help: String
    }

    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
        var timestamp: Double?
    }

    private struct Parsed: Decodable {
        var families: [Family]
        var samples: [Sample]
    }

    var families: [Family]
    var samples: [Sample]

    static let parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        families, samples = [], []
        with open(sys.argv[1], encoding="utf-8") as f:
            for family in text_string_to_metric_families(f.read()):
                families.append({"name": family.name, "type": family.type, "help": family.documentation})
                for s in family.samples:
                    samples.append({"name": s.name, "labels": s.labels, "value": s.value, "timestamp": s.timestamp})
        print(json.dumps({"families": families, "samples": samples}))
        """

    init(path: String) throws {
        let run = try CommandRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", Self.parser, path])
        guard run.status == 0 else { throw ParseFailure(message: run.stderr) }
        let parsed = try JSONDecoder().decode(Parsed.self, from: Data(run.stdout.utf8))
        families = parsed.families
        samples = parsed.samples
    }

    struct ParseFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "prometheus_client could not parse the file: \(message)" }
    }

    /// The value of the sample `name` with exactly `labels`, if there is one.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The samples named `name`.
    func samples(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}

/// `--metrics PATH`: a textfile-collector file written whole (temporary file, then rename), during
/// the run and at its end, whose values are the report's.
@Suite(.serialized) struct MetricsFileTests {
    static let samples = ["samples/decisions.ndjson.gz", "samples/decisions.csv"].map {
        TestPaths.packageRoot.appendingPathComponent($0).path
    }

    static let metricNames = [
        "triage_records_total", "triage_records_remaining", "triage_requests_total", "triage_retries_total",
        "triage_throttled_total", "triage_run_duration_seconds", "triage_last_exit_status",
        "triage_last_run_timestamp_seconds", "triage_last_success_timestamp_seconds", "triage_running",
    ]

    /// A directory with a store holding the sample findings.
    static func storeDirectory() throws -> URL {
        let directory = TestPaths.temporaryDirectory("metrics")
        let findings = TestPaths.packageRoot.appendingPathComponent("samples/findings.ndjson.gz").path
        let imported = try CommandRun.triage(["import", findings, "--store", "s.sqlite"], directory: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        return directory
    }

    @Test func applyWritesTheReportsFiguresWithHelpAndType() throws {
        let directory = try Self.storeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = Date().timeIntervalSince1970
        let run = try CommandRun.triage(
            ["apply"] + Self.samples + ["--store", "s.sqlite", "--report", "r.json", "--metrics", "m.prom", "--quiet"],
            directory: directory)
        let after = Date().timeIntervalSince1970
        #expect(run.status == 1, "\(run.stderr)")
        let path = directory.appendingPathComponent("m.prom").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for name in Self.metricNames {
            let family = name.hasSuffix("_total") ? String(name.dropLast(6)) : name
            #expect(text.contains("# HELP \(name) "), "\(name)")
            #expect(text.contains("# TYPE \(name) \(name.hasSuffix("_total") ? "counter" : "gauge")\n"), "\(family)")
        }
        // No temporary file left beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("m.prom") }
        #expect(left == ["m.prom"])

        let metrics = try PrometheusFile(path: path)
        #expect(metrics.samples.allSatisfy { $0.timestamp == nil }, "no timestamps")
        let report = try loadReport(directory.appendingPathComponent("r.json"))
        let s = summary(report)
        #expect(
            metrics.value("triage_records_total", ["outcome": "processed", "code": ""])
                == Double(s["processed"] as! Int))
        let errors = s["errors"] as! [String: Int]
        #expect(errors.count >= 2)
        let failed = metrics.samples("triage_records_total").filter { $0.labels["outcome"] == "failed" }
        #expect(failed.count == errors.count)
        for (code, count) in errors {
            #expect(
                metrics.value("triage_records_total", ["outcome": "failed", "code": code]) == Double(count), "\(code)")
        }
        #expect(metrics.value("triage_records_remaining") == Double(s["remaining"] as! Int))
        #expect(metrics.value("triage_requests_total", ["region": ""]) == Double(s["requests"] as! Int))
        #expect(metrics.value("triage_retries_total", ["region": ""]) == 0)
        #expect(metrics.value("triage_throttled_total", ["region": ""]) == 0)
        #expect(metrics.value("triage_last_exit_status") == 1)
        #expect(metrics.value("triage_running") == 0)
        let duration = try #require(metrics.value("triage_run_duration_seconds"))
        let started = try #require(metrics.value("triage_last_run_timestamp_seconds"))
        let succeeded = try #require(metrics.value("triage_last_success_timestamp_seconds"))
        #expect(duration >= 0 && duration <= after - before + 0.01)
        #expect(started >= before - 0.01 && started <= succeeded && succeeded <= after + 0.01)
        #expect(abs(succeeded - started - duration) < 0.05)
        #expect(Set(metrics.families.map(\.name)).count == Self.metricNames.count)
    }

    @Test func aRunThatFailsKeepsTheLastSuccess() throws {
        let directory = try Self.storeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.prom").path
        let first = try CommandRun.triage(
            ["apply"] + Self.samples + ["--store", "s.sqlite", "--metrics", "m.prom", "--quiet"], directory: directory)
        #expect(first.status == 1, "\(first.stderr)")
        let success = try #require(try PrometheusFile(path: path).value("triage_last_success_timestamp_seconds"))

        // Applied, but the report cannot be written: exit status 4, not a success. It starts once
        // the clock has passed the first run's success time, so that its own start time is later.
        #expect(ProcessProbe.waitUntil { Date().timeIntervalSince1970 > success })
        let second = try CommandRun.triage(
            ["apply"] + Self.samples + [
                "--store", "s.sqlite", "--metrics", "m.prom", "--report", "/dev/full", "--quiet",
            ],
            directory: directory)
        #expect(second.status == 4, "\(second.stderr)")
        let failed = try PrometheusFile(path: path)
        #expect(failed.value("triage_last_exit_status") == 4)
        #expect(failed.value("triage_last_success_timestamp_seconds") == success)
        #expect(try #require(failed.value("triage_last_run_timestamp_seconds")) > success)
        #expect(failed.value("triage_running") == 0)

        // A file left by someone else's tooling: its success time is carried over as it is.
        try "# a previous file\ntriage_last_success_timestamp_seconds 1.7e+09\ntriage_running 0\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let third = try CommandRun.triage(
            ["apply"] + Self.samples + [
                "--store", "s.sqlite", "--metrics", "m.prom", "--report", "/dev/full", "--quiet",
            ],
            directory: directory)
        #expect(third.status == 4, "\(third.stderr)")
        #expect(try PrometheusFile(path: path).value("triage_last_success_timestamp_seconds") == 1.7e9)

        // No earlier success at all: the series is absent until a run succeeds.
        try FileManager.default.removeItem(atPath: path)
        let fourth = try CommandRun.triage(
            ["apply"] + Self.samples + [
                "--store", "s.sqlite", "--metrics", "m.prom", "--report", "/dev/full", "--quiet",
            ],
            directory: directory)
        #expect(fourth.status == 4, "\(fourth.stderr)")
        let none = try PrometheusFile(path: path)
        #expect(none.value("triage_last_success_timestamp_seconds") == nil)
        #expect(none.value("triage_last_exit_status") == 4)
    }

    @Test func aBadMetricsPathIsASetUpError() throws {
        let directory = try Self.storeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try CommandRun.triage(
            ["apply"] + Self.samples + ["--store", "s.sqlite", "--metrics", "nowhere/m.prom"], directory: directory)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere/m.prom"), "\(missing.stderr)")
        let dash = try CommandRun.triage(["validate"] + Self.samples + ["--metrics", "-"], directory: directory)
        #expect(dash.status == 2)
    }

    @Test func theFileIsRewrittenDuringTheRun() throws {
        let directory = try Self.storeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("decisions.ndjson").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let metricsPath = directory.appendingPathComponent("m.prom").path
        var configuration = RunConfiguration(inputs: [fifo])
        configuration.dryRun = false
        configuration.target = try StoreTarget(
            path: directory.appendingPathComponent("s.sqlite").path, clock: SystemClock.milliseconds)
        configuration.keyOrderWindow = 0
        configuration.progress = "never"
        configuration.metricsPath = metricsPath
        configuration.metricsInterval = 0.05
        let job = DecisionJob(configuration: configuration)
        nonisolated(unsafe) var outcome: Result<RunResult, JobError>?
        let done = DispatchSemaphore(value: 0)
        Thread {
            outcome = Result { () throws(JobError) in try job.run() }
            done.signal()
        }.start()

        // Decisions for findings the store does not have, more than the reader's first 256 KiB
        // block (it hands lines on a block at a time): batches of 100, each decided.
        let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: fifo))
        var lines = ""
        for index in 0..<3000 {
            lines +=
                #"{"Id":"missing-\#(index)","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","Confidence":5}"#
                + "\n"
        }
        try writer.write(contentsOf: Data(lines.utf8))
        // The file as the run rewrites it, until it shows the decided batches (a hang: 120 s).
        var live: PrometheusFile?
        _ = try ProcessProbe.waitUntil(interval: 0.05) {
            guard FileManager.default.fileExists(atPath: metricsPath) else { return false }
            let file = try PrometheusFile(path: metricsPath)
            guard let failed = file.value("triage_records_total", ["outcome": "failed", "code": "FindingNotFound"]),
                failed >= 1000
            else { return false }
            live = file
            return true
        }
        let seen = (try? String(contentsOfFile: metricsPath, encoding: .utf8)) ?? "no file"
        let during = try #require(live, "the file never showed the decided batches during the run: \(seen)")
        #expect(during.value("triage_running") == 1)
        #expect(during.value("triage_last_exit_status") == nil)
        let decided = try #require(
            during.value("triage_records_total", ["outcome": "failed", "code": "FindingNotFound"]))
        #expect(decided.truncatingRemainder(dividingBy: 100) == 0 && decided < 3000)
        #expect(during.value("triage_records_total", ["outcome": "processed", "code": ""]) == 0)
        let remaining = try #require(during.value("triage_records_remaining"))
        #expect(remaining >= 0 && decided + remaining <= 3000)
        #expect(try #require(during.value("triage_requests_total", ["region": ""])) >= 1)
        #expect(try #require(during.value("triage_run_duration_seconds")) > 0)

        try writer.write(contentsOf: Data("{\"Id\":\"broken\"\n".utf8))
        try writer.close()
        done.wait()
        let result = try #require(try outcome?.get())
        #expect(result.failed == 3001)
        // Ended: the job leaves no file that says it runs; the executable's final write follows.
        let ended = try PrometheusFile(path: metricsPath)
        #expect(ended.value("triage_running") == 0)
        #expect(ended.value("triage_last_exit_status") == nil)
    }
}
