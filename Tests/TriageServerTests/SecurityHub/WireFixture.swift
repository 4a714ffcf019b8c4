import Foundation
import Testing
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A directory with a synthetic findings store and decisions, and the means to run `triage apply
/// --target securityhub` against `triage serve` on it: an environment that reads no AWS file or
/// metadata service of the machine and talks only to 127.0.0.1.
struct WireFixture {
    /// Removed when the last copy of the fixture goes.
    private let scratch: ScratchDirectory
    var directory: URL { scratch.url }
    /// The store as imported, never written to (copied for each run).
    let pristineStore: String
    /// The decisions (NDJSON).
    let decisions: String
    let findings: Int

    /// `findings` synthetic findings (4 Regions, 4 accounts) and `decisions` decisions naming them in
    /// turn (every decision valid, ten distinct updates).
    init(findings: Int, decisions: Int, label: String = "triage-wire") throws {
        scratch = ScratchDirectory(label)
        let directory = scratch.url
        self.findings = findings
        let findingsFile = directory.appendingPathComponent("findings.ndjson").path
        self.decisions = directory.appendingPathComponent("decisions.ndjson").path
        pristineStore = directory.appendingPathComponent("pristine.sqlite").path
        let generated = try CommandRun.triage([
            "generate", "--findings", "\(findings)", "--findings-output", findingsFile, "--decisions", "\(decisions)",
            "--decisions-output", self.decisions, "--gzip-level", "1",
        ])
        try #require(generated.status == 0, "\(generated.stderr)")
        let imported = try CommandRun.triage(["import", findingsFile, "--store", pristineStore])
        try #require(imported.status == 0, "\(imported.stderr)")
    }

    /// A fresh copy of the imported store.
    func copyOfStore(_ name: String) throws -> String {
        let path = directory.appendingPathComponent("\(name).sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: pristineStore, toPath: path)
        return path
    }

    /// The environment of a triage or client run: PATH, a HOME without AWS files, no metadata
    /// service, the `test` key, and `extra` on top (a value "" removes the variable).
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "TMPDIR": directory.path,
            "AWS_CONFIG_FILE": directory.appendingPathComponent("no-aws-config").path,
            "AWS_SHARED_CREDENTIALS_FILE": directory.appendingPathComponent("no-aws-credentials").path,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        ]
        for (key, value) in extra {
            environment[key] = value.isEmpty ? nil : value
        }
        return environment
    }

    /// Runs `triage apply --target securityhub` against `server` with `arguments` after the inputs.
    func apply(
        against server: ServeProcess, _ arguments: [String], inputs: [String]? = nil,
        environment extra: [String: String] = [:]
    ) throws -> CommandRun {
        try CommandRun.run(
            TestPaths.triageBinary,
            ["apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(server.port)"]
                + (inputs ?? [decisions]) + arguments,
            wholeEnvironment: environment(extra))
    }

    /// The store target's run on a copy of the store: the reference outcome.
    func referenceRun(_ name: String = "reference", inputs: [String]? = nil) throws -> (store: String, report: String) {
        let store = try copyOfStore(name)
        let report = directory.appendingPathComponent("\(name)-report.json").path
        let run = try CommandRun.triage(["apply"] + (inputs ?? [decisions]) + ["--store", store, "--report", report])
        try #require(run.status == 0 || run.status == 1, "\(run.stderr)")
        return (store, report)
    }

    /// The store's findings as `triage export` writes them, with each `Note.UpdatedAt` (stamped
    /// when a note is applied) masked.
    static func maskedExport(_ store: String) throws -> [String] {
        let run = try CommandRun.triage(["export", "--store", store])
        try #require(run.status == 0, "\(run.stderr)")
        return try run.stdout.split(separator: "\n").map { line in
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if var note = object["Note"] as? [String: Any] {
                note["UpdatedAt"] = "masked"
                object["Note"] = note
            }
            return String(
                decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    /// A report's two lists, as JSON text (for comparing two runs' outcomes).
    static func outcomes(_ report: String) throws -> String {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let lists: [String: Any] = [
            "ProcessedFindings": object["ProcessedFindings"] ?? [],
            "UnprocessedFindings": object["UnprocessedFindings"] ?? [],
        ]
        return String(
            decoding: try JSONSerialization.data(withJSONObject: lists, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A report's summary.
    static func summary(_ report: String) throws -> [String: Any] {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        return try #require(object["summary"] as? [String: Any])
    }
}

extension ServeProcess {
    /// A config for the synthetic findings: the `test` key (and `extraCredentials`), quotas for
    /// BatchUpdateFindings (`rate` 0: off), and `faults`.
    static func wireConfig(
        rate: Double = 0, burst: Double = 0, faults: String = "{}", extraCredentials: [String] = []
    ) -> String {
        let members = SyntheticData.accounts.map { "\"\($0)\"" }.joined(separator: ", ")
        let accounts = SyntheticData.accounts.map { "\"\($0)\": {}" }.joined(separator: ", ")
        let credentials =
            [#"{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}"#] + extraCredentials
        return """
            {"accounts": {"000000000000": {"administrator": true, "members": [\(members)]}, \(accounts)},
             "credentials": [\(credentials.joined(separator: ", "))],
             "quotas": {"BatchUpdateFindings": {"rate": \(rate), "burst": \(burst)},
                        "BatchImportFindings": {"rate": 0, "burst": 0}, "GetFindings": {"rate": 0, "burst": 0}},
             "faults": \(faults)}
            """
    }

    /// The request lines of the log for `operation`: (arrival ms, Region, status, latency ms).
    func requests(_ operation: String = "BatchUpdateFindings")
        -> [(time: Int64, region: String, status: String, latency: Double)]
    {
        log.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 8, fields[4] == operation,
                let time = Self.milliseconds(String(fields[0])),
                fields[8].hasSuffix("ms"), let latency = Double(fields[8].dropLast(2))
            else { return nil }
            return (time, String(fields[3]), String(fields[5]), latency)
        }
    }

    /// The statuses of the requests for `operation` logged so far, in log order: cheaper than
    /// ``requests(_:)`` (no time parsed) for a test that polls the log while a run goes on.
    func statuses(_ operation: String = "BatchUpdateFindings") -> [Substring] {
        log.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 6)
            return fields.count > 5 && fields[4] == operation ? fields[5] : nil
        }
    }

    /// The most requests for `operation` the server was answering at one moment, from each line's
    /// arrival and latency (a request is counted from its arrival to 1 ms before its logged end,
    /// for the rounding of both).
    func mostAtOnce(_ operation: String = "BatchUpdateFindings") -> Int {
        var events: [(time: Double, change: Int)] = []
        for request in requests(operation) {
            events.append((Double(request.time), 1))
            events.append((Double(request.time) + max(0, request.latency - 1), -1))
        }
        // Ends before starts at the same time.
        events.sort { ($0.time, $0.change) < ($1.time, $1.change) }
        var current = 0
        var most = 0
        for event in events {
            current += event.change
            most = max(most, current)
        }
        return most
    }

    /// `2026-12-03T06:01:59.526Z` in epoch milliseconds.
    static func milliseconds(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}
