import Foundation
import Testing
import TriageTestSupport

/// The JSON report as a dictionary.
func loadReport(_ url: URL) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
}

func summary(_ report: [String: Any]) -> [String: Any] { report["summary"] as! [String: Any] }

/// Checks `records = processed + failed` and that the lists have those lengths.
func expectCountsAddUp(_ report: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
    let s = summary(report)
    let records = s["records"] as! Int
    let processed = s["processed"] as! Int
    let failed = s["failed"] as! Int
    #expect(records == processed + failed, sourceLocation: sourceLocation)
    #expect((report["ProcessedFindings"] as! [Any]).count == processed, sourceLocation: sourceLocation)
    #expect((report["UnprocessedFindings"] as! [Any]).count == failed, sourceLocation: sourceLocation)
}

func expectValidJUnit(_ url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
    for schema in ["junit/schemas/windyroad/JUnit.xsd", "junit/schemas/jenkins-xunit-plugin/junit-10.xsd"] {
        let errors = XMLSchemaValidator.validate(xmlPath: url.path, xsdPath: TestPaths.testData(schema).path)
        #expect(errors.isEmpty, "\(schema): \(errors.prefix(3))", sourceLocation: sourceLocation)
    }
}

@Suite struct ValidateCommandTests {
    @Test(arguments: ["samples/decisions.ndjson.gz", "samples/decisions.csv"])
    func samplesValidateWithCountsThatAddUp(sample: String) throws {
        let directory = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reportURL = directory.appendingPathComponent("report.json")
        let junitURL = directory.appendingPathComponent("junit.xml")
        let run = try CommandRun.triage(
            [
                "validate", TestPaths.packageRoot.appendingPathComponent(sample).path, "--report", reportURL.path,
                "--junit", junitURL.path,
            ])
        // The samples hold a handful of invalid records on purpose.
        #expect(run.status == 1, "\(run.stderr)")
        let report = try loadReport(reportURL)
        expectCountsAddUp(report)
        let s = summary(report)
        #expect((s["records"] as! Int) >= 300)
        #expect((s["failed"] as! Int) > 0 && (s["failed"] as! Int) < 30)
        #expect((s["requests"] as! Int) > 0)
        #expect(s["dryRun"] as? Bool == true)
        #expect(run.stderr.contains("\(s["records"]!) records, \(s["processed"]!) processed, \(s["failed"]!) failed"))
        expectValidJUnit(junitURL)
        let junit = try String(contentsOf: junitURL, encoding: .utf8)
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == s["records"] as! Int)
        #expect(junit.components(separatedBy: "<failure ").count - 1 == s["failed"] as! Int)
    }

    @Test func missingInputIsASetUpError() throws {
        let run = try CommandRun.triage(["validate", "/nonexistent/decisions.ndjson"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("/nonexistent/decisions.ndjson"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func unknownCSVColumnIsReportedOnceBeforeAnyRow() throws {
        let directory = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.ndjson")
        try #"{"Id":"a","ProductArn":"p","Workflow":{"Status":"NEW"}}"#.write(
            to: good, atomically: true, encoding: .utf8)
        let bad = directory.appendingPathComponent("bad.csv")
        try "Id,ProductArn,WorkflowStatus\na,p,NEW\n".write(to: bad, atomically: true, encoding: .utf8)
        let report = directory.appendingPathComponent("report.json")
        let run = try CommandRun.triage(["validate", good.path, bad.path, "--report", report.path])
        #expect(run.status == 2)
        #expect(run.stderr.contains(#"unknown column "WorkflowStatus""#))
        #expect(!FileManager.default.fileExists(atPath: report.path))
    }

    @Test func badOptionIsAUsageError() throws {
        let run = try CommandRun.triage(["validate", "--batch-size", "101", "x.ndjson"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--batch-size"))
        let progress = try CommandRun.triage(["validate", "--progress", "sometimes", "x.ndjson"])
        #expect(progress.status == 2)
        #expect(progress.stderr.contains("--progress"))
        let window = try CommandRun.triage(["validate", "--sort-window", "-1", "x.ndjson"])
        #expect(window.status == 2)
        #expect(window.stderr.contains("--sort-window"))
    }

    /// A key-order window changes how records are batched, never their outcomes.
    @Test func aSortWindowKeepsEveryOutcome() throws {
        var reports: [[String: Any]] = []
        for window in ["0", "7", "262144"] {
            let run = try CommandRun.triage(
                ["validate", "samples/decisions.ndjson.gz", "--sort-window", window, "--report", "-"])
            #expect(run.status == 1, "\(run.stderr)")
            var report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
            var summary = report["summary"] as! [String: Any]
            #expect((summary["requests"] as! Int) > 0)
            for name in ["requests", "startedAt", "finishedAt"] { summary.removeValue(forKey: name) }
            report["summary"] = summary
            reports.append(report)
        }
        let texts = try reports.map {
            String(decoding: try JSONSerialization.data(withJSONObject: $0, options: .sortedKeys), as: UTF8.self)
        }
        #expect(texts[0] == texts[1])
        #expect(texts[0] == texts[2])
    }

    @Test func progressNeverPrintsOnlyTheSummary() throws {
        let input = #"{"Id":"a","ProductArn":"p","Confidence":1}"# + "\n"
        let run = try CommandRun.triage(["validate", "-", "--progress", "never"], stdin: Data(input.utf8))
        #expect(run.status == 0)
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func readsStandardInputAndWritesTheReportToStdout() throws {
        let input = """
            {"Id":"a","ProductArn":"p","Workflow":{"Status":"RESOLVED"}}
            {"Id":"b","ProductArn":"p","Workflow":{"Status":"RESOLVED"}}

            """
        let run = try CommandRun.triage(["validate", "-", "--report", "-"], stdin: Data(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        expectCountsAddUp(report)
        #expect(summary(report)["records"] as? Int == 2)
        #expect(summary(report)["requests"] as? Int == 1)
        #expect(summary(report)["inputs"] as? [String] == ["-"])
    }

    @Test func truncatedGzipEndsInMalformedInputAfterTheGoodLines() throws {
        let directory = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("d.ndjson")
        let lines = (0..<2_000).map { #"{"Id":"f\#($0)","ProductArn":"p","Confidence":\#($0 % 101)}"# }
        try (lines.joined(separator: "\n") + "\n").write(to: plain, atomically: true, encoding: .utf8)
        _ = try CommandRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", "-k", plain.path])
        let gz = try Data(contentsOf: directory.appendingPathComponent("d.ndjson.gz"))
        let truncated = directory.appendingPathComponent("cut.ndjson.gz")
        try gz.prefix(gz.count * 2 / 3).write(to: truncated)
        let reportURL = directory.appendingPathComponent("r.json")
        let run = try CommandRun.triage(["validate", truncated.path, "--report", reportURL.path])
        #expect(run.status == 1)
        let report = try loadReport(reportURL)
        expectCountsAddUp(report)
        let failures = report["UnprocessedFindings"] as! [[String: Any]]
        #expect(failures.count == 1)
        #expect(failures[0]["ErrorCode"] as? String == "MalformedInput")
        #expect(failures[0]["FindingIdentifier"] is NSNull)
        let processed = summary(report)["processed"] as! Int
        #expect(processed > 0 && processed < 2_000)
        #expect((failures[0]["ErrorMessage"] as! String).contains("after line \(processed)"))
    }
}
