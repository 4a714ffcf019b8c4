import Foundation
import Testing
import TriageTestSupport

/// The JSON report for a small input with every kind of outcome, compared with a golden file
/// (timestamps masked). `TRIAGE_RECORD_GOLDEN=1` re-records it.
@Suite struct GoldenReportTests {
    static let input = #"""
        {"Id":"ok-1","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","Workflow":{"Status":"SUPPRESSED"},"Note":{"Text":"Accepted","UpdatedBy":"bot"}}
        {"Id":"bad-status","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","Workflow":{"Status":"CLOSED"}}

        {"Id":"typo","ProductArn":"p","WorkflowStatus":"RESOLVED"}
        [1,2,3]
        {"Id":"broken",
        {"FindingIdentifiers":[{"Id":"r1","ProductArn":"p"},{"Id":"r2","ProductArn":"p"}],"Confidence":0}
        {"ProductArn":"p","Confidence":"50"}
        {"Id":"ok-2","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","Workflow":{"Status":"SUPPRESSED"},"Note":{"UpdatedBy":"bot","Text":"Accepted"}}
        """# + "\n"

    static func masked(_ text: String) -> String {
        text.replacingOccurrences(
            of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, with: "<time>", options: .regularExpression)
    }

    @Test func reportMatchesGolden() throws {
        let directory = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("decisions.ndjson")
        try Self.input.write(to: inputURL, atomically: true, encoding: .utf8)
        let reportURL = directory.appendingPathComponent("report.json")
        let run = try CommandRun.triage(
            ["validate", "decisions.ndjson", "--report", reportURL.path], directory: directory)
        #expect(run.status == 1, "\(run.stderr)")
        let actual = Self.masked(try String(contentsOf: reportURL, encoding: .utf8))
        let golden = TestPaths.packageRoot.appendingPathComponent("Tests/TriageJobTests/Golden/validate-report.json")
        if ProcessInfo.processInfo.environment["TRIAGE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(actual == expected)
    }
}
