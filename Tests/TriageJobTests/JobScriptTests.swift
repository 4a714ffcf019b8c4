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

    @Test func sampleJobValidatesTheSamples() throws {
        let run = try runJob("sample-job")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("records"))
        #expect(run.stdout.contains("out/report.json"))
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
}
