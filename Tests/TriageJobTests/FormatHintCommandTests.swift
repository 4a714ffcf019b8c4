import Foundation
import Testing
import TriageTestSupport

/// A file read in the wrong format says once which `--format` would read it, with the real
/// binary; every record still has exactly one outcome.
@Suite struct FormatHintCommandTests {
    static let csv = "Id,ProductArn,Confidence\n" + (0..<10).map { "f\($0),p,\($0)" }.joined(separator: "\n") + "\n"
    static let ndjson =
        (0..<10).map { #"{"Id":"f\#($0)","ProductArn":"p","Confidence":\#($0)}"# }.joined(separator: "\n") + "\n"

    @Test func csvNamedNDJSONSaysTryFormatCSVOnce() throws {
        let directory = TestPaths.temporaryDirectory("hint")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("d.ndjson")
        try Self.csv.write(to: file, atomically: true, encoding: .utf8)
        let run = try CommandRun.triage(["validate", file.path, "--report", "-"])
        #expect(run.status == 1, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        expectCountsAddUp(report)
        #expect(summary(report)["records"] as? Int == 11)
        let messages = (report["UnprocessedFindings"] as! [[String: Any]]).map { $0["ErrorMessage"] as! String }
        #expect(messages.count == 11)
        #expect(messages[0].hasPrefix("invalid JSON: byte 1"))
        #expect(messages[0].hasSuffix("(this input looks like CSV: try --format csv)"), "\(messages[0])")
        #expect(messages.dropFirst().allSatisfy { !$0.contains("--format") })
    }

    @Test(arguments: [["d.csv"], ["--format", "csv", "d.ndjson"], ["--format", "csv", "-"]])
    func ndjsonReadAsCSVSaysTryFormatNDJSON(arguments: [String]) throws {
        let directory = TestPaths.temporaryDirectory("hint")
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["d.csv", "d.ndjson"] {
            try Self.ndjson.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        // Standard input only when it is read: a run that exits without reading it would break the pipe.
        let run = try CommandRun.triage(
            ["validate"] + arguments + ["--report", "r.json"],
            stdin: arguments.contains("-") ? Data(Self.ndjson.utf8) : nil,
            directory: directory)
        #expect(run.status == 2)
        #expect(run.stderr.contains("(this input looks like NDJSON: try --format ndjson)"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.json").path))
    }
}

/// An input in which not one record could be read says once what it is instead and how to convert
/// it; every record still has its one outcome.
@Suite struct UnreadableInputHintTests {
    static let finding =
        #"{"SchemaVersion":"2018-10-08","Id":"f-1","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","#
        + #""GeneratorId":"g","AwsAccountId":"123456789012","Types":["t"],"CreatedAt":"2026-01-01T00:00:00Z","#
        + #""UpdatedAt":"2026-01-01T00:00:00Z","Severity":{"Label":"LOW"},"Title":"t","Description":"d"}"#

    @Test(arguments: [
        (
            #"[{"Id":"a","ProductArn":"p","Confidence":1},{"Id":"b","ProductArn":"p","Confidence":2}]"# + "\n",
            "looks like a JSON array: triage reads one object per line; convert with jq -c '.[]'"
        ),
        (
            "[\n  {\n    \"Id\": \"a\",\n    \"ProductArn\": \"p\",\n    \"Confidence\": 1\n  }\n]\n",
            "looks like a JSON array"
        ),
        (
            "{\n  \"Id\": \"a\",\n  \"ProductArn\": \"p\",\n  \"Confidence\": 1\n}\n",
            "looks like a pretty-printed JSON document: triage reads one object per line"
        ),
        (finding + "\n" + finding.replacingOccurrences(of: "f-1", with: "f-2") + "\n", "looks like findings (ASFF)"),
    ])
    func saysOnceWhatTheInputIs(text: String, hint: String) throws {
        let directory = TestPaths.temporaryDirectory("unreadable")
        defer { try? FileManager.default.removeItem(at: directory) }
        try text.write(to: directory.appendingPathComponent("d.ndjson"), atomically: true, encoding: .utf8)
        let run = try CommandRun.triage(["validate", "d.ndjson"], directory: directory)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: hint).count == 2, "not said once: \(run.stderr)")
    }
}
