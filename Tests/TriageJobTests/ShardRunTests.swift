import Foundation
import Testing
import TriageTestSupport

/// Shards end to end through the binary (`docs/scale.md#shards`): three shards applied one after
/// the other leave the store one run leaves, and `triage report` over their journals gives that
/// run's report (entries, order, counts); a missing, duplicate, unfinished or foreign shard is
/// named and the merge exits 2; `--shards N` takes its index from the scheduler's variable.
@Suite struct ShardRunTests {
    static func triage(
        _ arguments: [String], in directory: URL, environment: [String: String]? = nil
    ) throws -> CommandRun {
        try CommandRun.triage(arguments, environment: environment, directory: directory)
    }

    /// The report's entries, each as sorted-key JSON, in report order.
    static func entries(_ path: URL) throws -> (processed: [String], unprocessed: [String]) {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        func texts(_ key: String) throws -> [String] {
            let list = try #require(report[key] as? [Any])
            return try list.map { entry in
                String(decoding: try JSONSerialization.data(withJSONObject: entry, options: .sortedKeys), as: UTF8.self)
            }
        }
        return (try texts("ProcessedFindings"), try texts("UnprocessedFindings"))
    }

    static func summary(_ path: URL) throws -> [String: Any] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        return try #require(report["summary"] as? [String: Any])
    }

    static func exported(_ store: String, in directory: URL) throws -> String {
        let run = try triage(["export", "--store", store], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.replacingOccurrences(
            of: #""UpdatedAt":"[^"]*""#, with: #""UpdatedAt":"<now>""#, options: .regularExpression)
    }

    /// Decisions over several accounts and Regions with repeats, unknown findings, invalid and
    /// malformed lines (`generate`), and a second input with `AwsAccountId` members that move
    /// records to other (account, Region)s, invalid records that name an account, and broken lines.
    static func generatedInputs(in directory: URL) throws -> [String] {
        let generated = try triage(
            [
                "generate", "--findings", "2000", "--findings-output", "findings.ndjson", "--decisions", "6000",
                "--decisions-output", "decisions.ndjson", "--invalid-per-mille", "20", "--missing-per-mille", "10",
                "--repeat-per-mille", "100", "--seed", "11",
            ], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        var lines: [String] = []
        let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"]
        for index in 0..<60 {
            let account = String(repeating: String(index % 6 + 1), count: 12)
            let region = regions[index % regions.count]
            let id = "arn:aws:securityhub:\(region):\(account):security-control/S3.\(index)/finding/\(index)"
            let product = "arn:aws:securityhub:\(region)::product/aws/securityhub"
            switch index % 5 {
            case 0:
                lines.append(
                    #"{"Id":"\#(id)","ProductArn":"\#(product)","AwsAccountId":"\#(account)","Severity":{"Label":"LOW"}}"#
                )
            case 1: lines.append(#"{"Id":"\#(id)","ProductArn":"\#(product)","Confidence":101}"#)
            case 2:
                lines.append(
                    #"{"Id":"\#(id)","ProductArn":"\#(product)","AwsAccountId":"12","Severity":{"Label":"LOW"}}"#)
            case 3: lines.append(#"{"Id":"\#(id)","ProductArn":"#)
            default: lines.append(#"{"Id":"\#(id)","ProductArn":"\#(product)","Workflow":{"Status":"RESOLVED"}}"#)
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("extra.ndjson"), atomically: true, encoding: .utf8)
        return ["decisions.ndjson", "extra.ndjson"]
    }

    /// One run over `inputs` into a.sqlite, three shards one after the other into b.sqlite (both
    /// made from `findings`); returns the single run's report and the shards' journals.
    static func runBoth(
        _ inputs: [String], findings: String, in directory: URL
    ) throws -> (single: URL, journals: [String], singleStatus: Int32) {
        let imported = try triage(["import", findings, "--store", "a.sqlite"], in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent("a.sqlite"), to: directory.appendingPathComponent("b.sqlite"))
        let single = try triage(["apply"] + inputs + ["--store", "a.sqlite", "--report", "single.json"], in: directory)
        #expect(single.status == 1, "\(single.stderr)")
        var journals: [String] = []
        for index in 0..<3 {
            let shard = try triage(
                ["apply"] + inputs + [
                    "--store", "b.sqlite", "--shard", "\(index)/3", "--report", "shard-\(index).json", "--journal",
                    "shard-\(index).journal",
                ], in: directory)
            #expect([0, 1].contains(shard.status), "\(shard.stderr)")
            let summary = try summary(directory.appendingPathComponent("shard-\(index).json"))
            let named = try #require(summary["shard"] as? [String: Int])
            #expect(named == ["index": index, "count": 3])
            #expect((summary["records"] as? Int ?? 0) > 0, "shard \(index) kept no record")
            journals.append("shard-\(index).journal")
        }
        #expect(try exported("a.sqlite", in: directory) == exported("b.sqlite", in: directory))
        return (directory.appendingPathComponent("single.json"), journals, single.status)
    }

    /// The merged report equals the single run's: entries in order, and the counts.
    static func expectMergeEqualsSingle(_ single: URL, journals: [String], status: Int32, in directory: URL) throws {
        let merge = try triage(["report"] + journals + ["--report", "merged.json"], in: directory)
        #expect(merge.status == status, "\(merge.stderr)")
        let merged = directory.appendingPathComponent("merged.json")
        let (one, all) = (try entries(single), try entries(merged))
        #expect(one.processed == all.processed)
        #expect(one.unprocessed == all.unprocessed)
        #expect(!one.unprocessed.isEmpty && !one.processed.isEmpty)
        let (a, b) = (try summary(single), try summary(merged))
        for key in ["records", "processed", "failed", "remaining"] {
            #expect(a[key] as? Int == b[key] as? Int, "\(key)")
        }
        #expect(a["errors"] as? [String: Int] == b["errors"] as? [String: Int])
        #expect(a["inputs"] as? [String] == b["inputs"] as? [String])
        let shards = try #require(b["shards"] as? [[String: Any]])
        #expect(shards.map { $0["index"] as? Int } == [0, 1, 2])
        #expect(shards.map { $0["records"] as? Int ?? 0 }.reduce(0, +) == a["records"] as? Int)
    }

    @Test func threeShardsOfTheSamplesEqualOneRun() throws {
        let directory = TestPaths.temporaryDirectory("shards-samples")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        let inputs = ["decisions.ndjson.gz", "decisions.csv"].map { samples.appendingPathComponent($0).path }
        let run = try Self.runBoth(
            inputs, findings: samples.appendingPathComponent("findings.ndjson.gz").path, in: directory)
        try Self.expectMergeEqualsSingle(run.single, journals: run.journals, status: run.singleStatus, in: directory)
    }

    @Test func threeShardsOfAGeneratedInputEqualOneRun() throws {
        let directory = TestPaths.temporaryDirectory("shards-generated")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = try Self.generatedInputs(in: directory)
        let run = try Self.runBoth(inputs, findings: "findings.ndjson", in: directory)
        try Self.expectMergeEqualsSingle(run.single, journals: run.journals, status: run.singleStatus, in: directory)
        // Every failure before an account (malformed lines) is shard 0's, once.
        let first = try Self.summary(directory.appendingPathComponent("shard-0.json"))
        let others = try [1, 2].map { try Self.summary(directory.appendingPathComponent("shard-\($0).json")) }
        #expect(((first["errors"] as? [String: Int])?["MalformedRecord"] ?? 0) > 0)
        #expect(others.allSatisfy { ($0["errors"] as? [String: Int])?["MalformedRecord"] == nil })
    }

    @Test func aMissingDuplicateUnfinishedOrForeignShardIsNamedAndTheMergeExits2() throws {
        let directory = TestPaths.temporaryDirectory("shards-refused")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        let input = samples.appendingPathComponent("decisions.ndjson.gz").path
        let imported = try Self.triage(
            ["import", samples.appendingPathComponent("findings.ndjson.gz").path, "--store", "s.sqlite"], in: directory)
        #expect(imported.status == 0)
        for index in 0..<3 {
            let run = try Self.triage(
                ["apply", input, "--store", "s.sqlite", "--shard", "\(index)/3", "--journal", "j\(index).journal"],
                in: directory)
            #expect(run.status == 1, "\(run.stderr)")
        }
        var merge = try Self.triage(["report", "j0.journal", "j2.journal", "--report", "m.json"], in: directory)
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("shard 1/3 is missing"), "\(merge.stderr)")

        merge = try Self.triage(
            ["report", "j0.journal", "j1.journal", "j1.journal", "--report", "m.json"], in: directory)
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("shard 1/3 is given more than once"), "\(merge.stderr)")
        #expect(merge.stderr.contains("shard 2/3 is missing"), "\(merge.stderr)")

        // The run was killed: its journal has no end entry.
        let lines = try String(contentsOf: directory.appendingPathComponent("j1.journal"), encoding: .utf8)
            .split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("killed.journal"), atomically: true, encoding: .utf8)
        merge = try Self.triage(
            ["report", "j0.journal", "killed.journal", "j2.journal", "--report", "m.json"], in: directory)
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("shard 1/3 (killed.journal) is unfinished"), "\(merge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.json").path))

        // --resume refuses that journal for another shard.
        let resumed = try Self.triage(
            ["apply", input, "--store", "s.sqlite", "--shard", "2/3", "--journal", "killed.journal", "--resume"],
            in: directory)
        #expect(resumed.status == 2)
        #expect(resumed.stderr.contains("was written for shard 1/3, this run is shard 2/3"), "\(resumed.stderr)")

        // A shard of other inputs, and a journal of a run without shards.
        let csv = samples.appendingPathComponent("decisions.csv").path
        let other = try Self.triage(
            ["apply", csv, "--store", "s.sqlite", "--shard", "1/3", "--journal", "other.journal"], in: directory)
        #expect([0, 1].contains(other.status), "\(other.stderr)")
        merge = try Self.triage(
            ["report", "j0.journal", "other.journal", "j2.journal", "--report", "m.json"], in: directory)
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("shard 1/3 (other.journal) was run over other inputs"), "\(merge.stderr)")
        let whole = try Self.triage(
            ["apply", input, "--store", "s.sqlite", "--journal", "whole.journal"], in: directory)
        #expect(whole.status == 1)
        merge = try Self.triage(
            ["report", "j0.journal", "j1.journal", "j2.journal", "whole.journal", "--report", "m.json"], in: directory)
        #expect(merge.status == 2)
        #expect(merge.stderr.contains("whole.journal is not a shard's journal"), "\(merge.stderr)")
    }

    @Test func shardsNTakesTheIndexFromTheSchedulersVariable() throws {
        let directory = TestPaths.temporaryDirectory("shards-env")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = TestPaths.packageRoot.appendingPathComponent("samples/decisions.ndjson.gz").path
        let named = try Self.triage(["validate", input, "--shard", "1/3", "--report", "named.json"], in: directory)
        #expect(named.status == 1, "\(named.stderr)")
        let kubernetes = try Self.triage(
            ["validate", input, "--shards", "3", "--report", "k8s.json"], in: directory,
            environment: ["JOB_COMPLETION_INDEX": "1", "AWS_BATCH_JOB_ARRAY_INDEX": "2"])
        #expect(kubernetes.status == 1, "\(kubernetes.stderr)")
        let batch = try Self.triage(
            ["validate", input, "--shards", "auto", "--report", "batch.json"], in: directory,
            environment: [
                "JOB_COMPLETION_INDEX": "", "AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "3",
            ])
        #expect(batch.status == 1, "\(batch.stderr)")
        let expected = try Self.entries(directory.appendingPathComponent("named.json"))
        for name in ["k8s.json", "batch.json"] {
            let report = directory.appendingPathComponent(name)
            #expect(try Self.summary(report)["shard"] as? [String: Int] == ["index": 1, "count": 3], "\(name)")
            let got = try Self.entries(report)
            #expect(got.processed == expected.processed && got.unprocessed == expected.unprocessed, "\(name)")
        }
    }

    @Test(
        arguments: [
            (["--shard", "3/3"], [String: String](), "--shard must be K/N"),
            (["--shard", "1/3", "--shards", "3"], [:], "--shard and --shards cannot both be given"),
            (["--shards", "3"], [:], "neither is set"),
            (["--shards", "3"], ["JOB_COMPLETION_INDEX": "3"], "JOB_COMPLETION_INDEX is 3: not below the 3 shards"),
            (
                ["--shards", "3"], ["AWS_BATCH_JOB_ARRAY_INDEX": "x"],
                "AWS_BATCH_JOB_ARRAY_INDEX must be a whole number"
            ),
            (["--shards", "auto"], ["AWS_BATCH_JOB_ARRAY_INDEX": "0"], "--shards auto takes the count"),
        ] as [([String], [String: String], String)])
    func usageErrorsExit2(arguments: [String], environment: [String: String], words: String) throws {
        let directory = TestPaths.temporaryDirectory("shards-usage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = TestPaths.packageRoot.appendingPathComponent("samples/decisions.ndjson.gz").path
        // Nothing inherited: the test's own environment may hold a scheduler's variables.
        var whole = ["PATH": "/usr/bin:/bin", "TMPDIR": NSTemporaryDirectory()]
        whole.merge(environment) { $1 }
        for command in ["apply", "validate"] {
            let run = try CommandRun.run(
                TestPaths.triageBinary, [command, input, "--report", "r.json"] + arguments, directory: directory,
                wholeEnvironment: whole)
            #expect(run.status == 2, "\(command) \(arguments)")
            #expect(run.stderr.contains(words), "\(run.stderr)")
        }
    }
}
