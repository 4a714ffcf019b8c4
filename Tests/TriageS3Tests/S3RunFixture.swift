import Foundation
import TriageTestSupport

/// What the `s3://` suites share: a local S3 with an `inputs` and an `outputs` bucket, a findings
/// store imported from the samples, and reports compared with a local run's.
struct S3RunFixture {
    let s3: LocalS3
    /// The repository's `samples` directory.
    static let samples = TestPaths.packageRoot.appendingPathComponent("samples")

    /// Starts moto, creates the buckets `inputs` and `outputs`.
    init() throws {
        s3 = try LocalS3()
        do {
            try s3.python("s3.create_bucket(Bucket='inputs'); s3.create_bucket(Bucket='outputs')")
        } catch {
            s3.stop()
            throw error
        }
    }

    /// A file of the test's directory.
    func file(_ name: String) -> URL { s3.directory.appendingPathComponent(name) }

    /// A fresh findings store `name` imported from the samples.
    func store(_ name: String) throws -> String {
        let run = try s3.triage([
            "import", Self.samples.appendingPathComponent("findings.ndjson.gz").path, "--store", name,
        ])
        guard run.status == 0 else { throw LocalS3.Failure("import failed: \(run.stderr)") }
        return name
    }

    /// The samples' NDJSON decisions uncompressed, as a file of the test's directory.
    func plainDecisions() throws -> URL {
        let compressed = try Data(contentsOf: Self.samples.appendingPathComponent("decisions.ndjson.gz"))
        let plain = file("decisions.ndjson")
        let run = try CommandRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", "-dc"], stdin: compressed)
        try Data(run.stdout.utf8).write(to: plain)
        return plain
    }

    /// A JSON report as a comparable value: `replacing` (a URL → the local path it stands for) made
    /// alike, the summary's times and target left out (they differ between two runs by nature).
    static func comparable(_ report: Data, replacing names: [String: String] = [:]) throws -> NSDictionary {
        var text = String(decoding: report, as: UTF8.self)
        for (name, replacement) in names { text = text.replacingOccurrences(of: name, with: replacement) }
        guard var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            var summary = object["summary"] as? [String: Any]
        else { throw LocalS3.Failure("not a report: \(text.prefix(200))") }
        for key in ["startedAt", "finishedAt", "seconds", "target"] { summary[key] = nil }
        object["summary"] = summary
        return object as NSDictionary
    }
}
